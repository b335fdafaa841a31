import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { verificationEmailRequested } from "@/lib/auth/events";
import { sendVerificationEmail } from "@/lib/inngest/functions/send-verification-email";
import { seal } from "@/lib/seal";
import { createUser, mailTo, uniqueEmail } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";

async function run({ userId, sealedToken, welcome }: { userId: string; sealedToken: string; welcome: boolean }) {
  return new InngestTestEngine({ function: sendVerificationEmail }).execute({
    events: [{ id: randomUUID(), name: verificationEmailRequested.name, data: { userId, sealedToken, welcome } }],
  });
}

const unverified = () => createUser({ name: "Vera Verify", email: uniqueEmail("vera"), emailVerified: null });

describe("send-verification-email", () => {
  it("emails the user a verify link carrying the unsealed token", async () => {
    const user = await unverified();
    const token = `tok_${randomUUID()}`;
    const sealedToken = await seal(token);

    const { result, error } = await run({ userId: user.id, sealedToken, welcome: true });

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: true });
    const mail = await mailTo(user.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Verify your email for ${appConfig.name}`);
    expect(mail[0]!.text).toContain("Hi Vera Verify,");
    expect(mail[0]!.text).toContain(`http://localhost:3000/verify-email?token=${token}\n`);
    expect(mail[0]!.html).toContain(`href="http://localhost:3000/verify-email?token=${token}"`);
    // Only the plain token reaches the inbox, never the sealed form that travelled through the queue.
    expect(mail[0]!.text + mail[0]!.html).not.toContain(sealedToken);
  });

  it("re-sends the link (welcome=false) to a user who is still unverified", async () => {
    const user = await unverified();
    const { result } = await run({ userId: user.id, sealedToken: await seal("resend-token"), welcome: false });

    expect(result).toEqual({ sent: true });
    const mail = await mailTo(user.email);
    expect(mail.map((m) => m.subject)).toEqual([`Verify your email for ${appConfig.name}`]);
    expect(mail[0]!.text).toContain("/verify-email?token=resend-token");
  });

  it("sends nothing for a re-send once the address is verified", async () => {
    const user = await createUser({ email: uniqueEmail("verified"), emailVerified: new Date() });

    const { result, error } = await run({ userId: user.id, sealedToken: await seal("late-token"), welcome: false });

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: false, reason: "already verified" });
    expect(await mailTo(user.email)).toEqual([]);
  });

  it("still sends the welcome mail to an address verified meanwhile", async () => {
    const user = await createUser({ email: uniqueEmail("welcome"), emailVerified: new Date() });

    const { result } = await run({ userId: user.id, sealedToken: await seal("welcome-token"), welcome: true });

    expect(result).toEqual({ sent: true });
    expect(await mailTo(user.email)).toHaveLength(1);
  });

  it("sends nothing when the user was deleted before the job ran", async () => {
    const user = await unverified();
    await getDb().delete(users).where(eq(users.id, user.id));

    const { result, error } = await run({ userId: user.id, sealedToken: await seal("orphan-token"), welcome: true });

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: false, reason: "user deleted" });
    expect(await mailTo(user.email)).toEqual([]);
  });

  it("fails, sending nothing, on a token that was not sealed with this app's secret", async () => {
    const user = await unverified();
    const sealed = await seal("genuine");
    const tampered = sealed.slice(0, -4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");

    const { result, error } = await run({ userId: user.id, sealedToken: tampered, welcome: true });

    expect(result).toBeUndefined();
    expect(error).toMatchObject({ message: expect.stringMatching(/decryption/i) });
    expect(await mailTo(user.email)).toEqual([]);
  });
});
