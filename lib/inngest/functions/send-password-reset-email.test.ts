import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { passwordResetRequested } from "@/lib/auth/events";
import { sendPasswordResetEmail } from "@/lib/inngest/functions/send-password-reset-email";
import { seal } from "@/lib/seal";
import { createUser, mailTo, uniqueEmail } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";

async function run(userId: string, sealedToken: string) {
  return new InngestTestEngine({ function: sendPasswordResetEmail }).execute({
    events: [{ id: randomUUID(), name: passwordResetRequested.name, data: { userId, sealedToken } }],
  });
}

describe("send-password-reset-email", () => {
  it("emails the user a reset link carrying the unsealed token", async () => {
    const user = await createUser({ email: uniqueEmail("reset") });
    const token = `reset_${randomUUID()}`;
    const sealedToken = await seal(token);

    const { result, error } = await run(user.id, sealedToken);

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: true });
    const mail = await mailTo(user.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Reset your ${appConfig.name} password`);
    expect(mail[0]!.text).toContain(`http://localhost:3000/reset-password?token=${token}\n`);
    expect(mail[0]!.html).toContain(`href="http://localhost:3000/reset-password?token=${token}"`);
    expect(mail[0]!.text + mail[0]!.html).not.toContain(sealedToken);
  });

  it("writes to the address the account has when the job runs", async () => {
    const user = await createUser({ email: uniqueEmail("old") });
    const current = uniqueEmail("new");
    await getDb().update(users).set({ email: current }).where(eq(users.id, user.id));

    await run(user.id, await seal("t"));

    expect(await mailTo(user.email)).toEqual([]);
    expect(await mailTo(current)).toHaveLength(1);
  });

  it("sends nothing when the user was deleted before the job ran", async () => {
    const user = await createUser({ email: uniqueEmail("gone") });
    await getDb().delete(users).where(eq(users.id, user.id));

    const { result, error } = await run(user.id, await seal("t"));

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: false, reason: "user deleted" });
    expect(await mailTo(user.email)).toEqual([]);
  });
});
