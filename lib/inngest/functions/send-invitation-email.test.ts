import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { invitationCreated } from "@/lib/orgs/events";
import { sendInvitationEmail } from "@/lib/inngest/functions/send-invitation-email";
import { acceptInvitation, createInvitation, INVITATION_TTL_MS, revokeInvitation } from "@/lib/orgs/invitations";
import { seal } from "@/lib/seal";
import { createInvitationFor, createOrgWithRoles, createUser, mailTo, uniqueEmail } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// createInvitation queues this very job; its event is swallowed here so that only the runs below send mail.
beforeEach(() => setEventSenderForTests(async () => {}));
afterEach(() => setEventSenderForTests(undefined));

async function run(invitation: { id: string; token: string }, orgId: string) {
  return new InngestTestEngine({ function: sendInvitationEmail }).execute({
    events: [{ id: randomUUID(), name: invitationCreated.name, data: { invitationId: invitation.id, orgId, sealedToken: await seal(invitation.token) } }],
  });
}

describe("send-invitation-email", () => {
  it("emails an open invitation: the link with its token, who invited, to which org and role", async () => {
    const { org, admin } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, admin.id, uniqueEmail("invitee"), "member");

    const { result, error } = await run(invitation, org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: true });
    const mail = await mailTo(invitation.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Adam Admin invited you to ${org.name} on ${appConfig.name}`);
    expect(mail[0]!.text).toContain(`Adam Admin invited you to join ${org.name} as Member.`);
    expect(mail[0]!.text).toContain(`http://localhost:3000/invite/${invitation.token}\n`);
    expect(mail[0]!.html).toContain(`href="http://localhost:3000/invite/${invitation.token}"`);
  });

  it("names the inviter by email when they have no name, and gives the invited role", async () => {
    const { org, owner } = await createOrgWithRoles();
    await getDb().update(users).set({ name: null }).where(eq(users.id, owner.id));
    const invitation = await createInvitationFor(org.id, owner.id, uniqueEmail("invitee"), "admin");

    await run(invitation, org.id);

    const [mail] = await mailTo(invitation.email);
    expect(mail!.subject).toBe(`${owner.email} invited you to ${org.name} on ${appConfig.name}`);
    expect(mail!.text).toContain(`as Admin.`);
  });

  it("sends nothing for an invitation revoked before the job ran", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id);
    await revokeInvitation({ actor: actors.owner, input: { orgId: org.id, invitationId: invitation.id } });

    const { result, error } = await run(invitation, org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: false, reason: "invitation closed" });
    expect(await mailTo(invitation.email)).toEqual([]);
  });

  it("sends nothing for an invitation already accepted", async () => {
    const { org, owner } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id);
    const invitee = await createUser({ email: invitation.email });
    await acceptInvitation({ actor: { userId: invitee.id }, token: invitation.token });

    const { result } = await run(invitation, org.id);

    expect(result).toEqual({ sent: false, reason: "invitation closed" });
    expect(await mailTo(invitation.email)).toEqual([]);
  });

  it("sends nothing for an expired invitation", async () => {
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("late");
    const invitation = await createInvitation({
      actor: actors.owner,
      input: { orgId: org.id, email, role: "member" },
      now: new Date(Date.now() - INVITATION_TTL_MS - 60_000),
    });

    const { result } = await run(invitation, org.id);

    expect(result).toEqual({ sent: false, reason: "invitation closed" });
    expect(await mailTo(email)).toEqual([]);
  });

  it("of two invitations to the same address, only the replacement is emailed", async () => {
    const { org, owner } = await createOrgWithRoles();
    const email = uniqueEmail("twice");
    const first = await createInvitationFor(org.id, owner.id, email);
    const second = await createInvitationFor(org.id, owner.id, email);

    expect((await run(first, org.id)).result).toEqual({ sent: false, reason: "invitation closed" });
    expect((await run(second, org.id)).result).toEqual({ sent: true });

    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain(`/invite/${second.token}`);
    expect(mail[0]!.text).not.toContain(first.token);
  });

  it("sends nothing for an invitation that no longer exists", async () => {
    const { org } = await createOrgWithRoles();
    const { result } = await run({ id: randomUUID(), token: "whatever" }, org.id);
    expect(result).toEqual({ sent: false, reason: "invitation closed" });
  });
});
