import { describe, expect, it } from "vitest";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import {
  acceptInvitation,
  createInvitation,
  getInvitationByToken,
  INVITATION_TTL_MS,
  listOpenInvitations,
  revokeInvitation,
} from "@/lib/orgs/invitations";
import {
  activityOf,
  createInvitationFor,
  createOrgWithRoles,
  createUser,
  getInvitationRow,
  getMembershipRole,
  getUserById,
  isMember,
  mailTo,
  snapshotOrg,
  uniqueEmail,
} from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";

const DAY = 24 * 60 * 60 * 1000;

describe("createInvitation", () => {
  it("caps invitations per organization: over the limit nothing is stored and no mail goes out", async () => {
    const { org, actors } = await createOrgWithRoles();
    const { limit } = rateLimitPolicies.invitations;
    // Two managers share the org's allowance (each stays under the per-inviter mail limit).
    for (let i = 0; i < limit; i++) {
      await createInvitation({ actor: i % 2 ? actors.admin : actors.owner, input: { orgId: org.id, email: uniqueEmail("bulk"), role: "member" } });
    }
    const before = await snapshotOrg(org.id);
    const email = uniqueEmail("one-too-many");
    await expect(createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } })).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
    });
    expect(await snapshotOrg(org.id)).toEqual(before);
    expect(await mailTo(email)).toHaveLength(0);
    // Another organization is not affected.
    const other = await createOrgWithRoles();
    await createInvitation({ actor: other.actors.owner, input: { orgId: other.org.id, email, role: "member" } });
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("stores an open invitation and emails a one-time /invite/<token> link", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const email = uniqueEmail("invitee");
    const invitation = await createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "admin" } });

    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Olivia Owner invited you to ${org.name} on ${appConfig.name}`);
    expect(mail[0]!.text).toContain(`/invite/${invitation.token}\n`);
    expect(mail[0]!.text).toContain("as Admin");
    expect(mail[0]!.html).toContain(`/invite/${invitation.token}`);

    // Only a hash of the token is stored.
    const row = await getInvitationRow(invitation.id);
    expect(row).toMatchObject({ email, role: "admin", invitedById: owner.id, acceptedAt: null, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(invitation.token);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(INVITATION_TTL_MS - 60_000);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThan(INVITATION_TTL_MS + 60_000);

    expect(await listOpenInvitations({ actor: actors.admin, orgId: org.id })).toEqual([
      expect.objectContaining({ id: invitation.id, email, role: "admin" }),
    ]);
    expect(await getInvitationByToken(invitation.token)).toMatchObject({ status: "open", orgSlug: org.slug, role: "admin" });
    const event = (await activityOf(org.id)).find((e) => e.type === "invitation.created");
    expect(event).toMatchObject({ actorId: owner.id, subjectId: invitation.id, data: { email, role: "admin" } });
  });

  it("normalizes the address to lower case", async () => {
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("mixed");
    const { id } = await createInvitation({
      actor: actors.admin,
      input: { orgId: org.id, email: `  ${email.toUpperCase()} `, role: "member" },
    });
    expect((await getInvitationRow(id))!.email).toBe(email);
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("re-inviting the same address replaces the open invitation; the old link is then gone", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const first = await createInvitationFor(org.id, owner.id, uniqueEmail("twice"), "member");
    expect(await mailTo(first.email)).toHaveLength(1);
    const second = await createInvitation({
      actor: actors.owner,
      input: { orgId: org.id, email: first.email.toUpperCase(), role: "admin" },
    });

    expect(await listOpenInvitations({ actor: actors.owner, orgId: org.id })).toEqual([
      expect.objectContaining({ id: second.id, role: "admin" }),
    ]);
    expect((await getInvitationByToken(first.token))?.status).toBe("revoked");
    const mail = await mailTo(first.email);
    expect(mail).toHaveLength(2);
    expect(mail[1]!.text).toContain(`/invite/${second.token}`);

    const invitee = await createUser({ email: first.email });
    await expect(acceptInvitation({ actor: { userId: invitee.id }, token: first.token })).rejects.toMatchObject({ code: "gone" });
    expect(await isMember(org.id, invitee.id)).toBe(false);
    await acceptInvitation({ actor: { userId: invitee.id }, token: second.token });
    expect(await getMembershipRole(org.id, invitee.id)).toBe("admin");
  });

  it("a double-submitted invitation leaves one open invitation; the loser, if they overlapped, is a conflict", async () => {
    for (let round = 0; round < 3; round++) {
      const { org, actors } = await createOrgWithRoles();
      const email = uniqueEmail("double");
      const submit = () => createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } });
      const results = await Promise.allSettled([submit(), submit()]);
      const outcomes = results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as { code?: string }).code ?? String(r.reason)));
      expect(outcomes).toContain("ok");
      expect(outcomes.every((o) => o === "ok" || o === "conflict")).toBe(true);
      expect(await listOpenInvitations({ actor: actors.owner, orgId: org.id })).toHaveLength(1);
      // At least the open invitation's email; the replaced one's only if its job ran before the replacement committed
      // (the job skips invitations that are closed by the time it runs).
      const mails = await mailTo(email);
      expect(mails.length).toBeGreaterThanOrEqual(1);
      expect(mails.length).toBeLessThanOrEqual(outcomes.filter((o) => o === "ok").length);
    }
  });

  it("inviting someone who is already a member is a conflict, whatever the case of the address", async () => {
    const { org, member, actors } = await createOrgWithRoles();
    await expect(
      createInvitation({ actor: actors.owner, input: { orgId: org.id, email: member.email.toUpperCase(), role: "admin" } }),
    ).rejects.toMatchObject({ code: "conflict", fieldErrors: { email: expect.any(Array) } });
    expect(await listOpenInvitations({ actor: actors.owner, orgId: org.id })).toEqual([]);
    expect(await mailTo(member.email)).toHaveLength(0);
  });

  it.each(["not-an-email", "", "a@", "@example.test", `${"x".repeat(250)}@example.test`])(
    "rejects the address %j as invalid_input",
    async (email) => {
      const { org, actors } = await createOrgWithRoles();
      await expect(
        createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } }),
      ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { email: expect.any(Array) } });
      expect(await listOpenInvitations({ actor: actors.owner, orgId: org.id })).toEqual([]);
    },
  );

  it("rejects an unknown role as invalid_input", async () => {
    const { org, actors } = await createOrgWithRoles();
    await expect(
      createInvitation({ actor: actors.owner, input: { orgId: org.id, email: uniqueEmail(), role: "superuser" } }),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { role: expect.any(Array) } });
  });
});

describe("acceptInvitation", () => {
  it("with the invited address, creates the membership with the invited role and uses up the invitation", async () => {
    const { org, owner } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id, uniqueEmail("joiner"), "admin");
    // Address matching ignores case; an unverified address is proven by the link.
    const invitee = await createUser({ email: invitation.email.toUpperCase(), emailVerified: null });
    const now = new Date(Date.now() + DAY);

    const result = await acceptInvitation({ actor: { userId: invitee.id }, token: invitation.token, now });

    expect(result).toEqual({ orgSlug: org.slug, role: "admin" });
    expect(await getMembershipRole(org.id, invitee.id)).toBe("admin");
    expect((await getInvitationRow(invitation.id))!.acceptedAt).toEqual(now);
    expect((await getUserById(invitee.id))!.emailVerified).toEqual(now);
    expect(await listOpenInvitations({ actor: { userId: owner.id }, orgId: org.id })).toEqual([]);
    expect((await getInvitationByToken(invitation.token))?.status).toBe("accepted");
    const event = (await activityOf(org.id)).find((e) => e.type === "member.joined");
    expect(event).toMatchObject({ actorId: invitee.id, subjectId: invitee.id, data: { role: "admin", invitationId: invitation.id } });
  });

  it("refuses a malformed token with a message and leaves the invitation open", async () => {
    const { org, owner } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id, uniqueEmail("malformed"), "member");
    const invitee = await createUser({ email: invitation.email });
    for (const token of [invitation.token.slice(0, 12), null, { token: invitation.token }]) {
      await expect(acceptInvitation({ actor: { userId: invitee.id }, token })).rejects.toMatchObject({
        code: "invalid_input",
        message: "This link is incomplete. Open the link from your email again.",
      });
    }
    expect(await getMembershipRole(org.id, invitee.id)).toBeUndefined();
    expect((await getInvitationByToken(invitation.token))?.status).toBe("open");
  });

  it("is single use: a second accept is gone, for the same user or anyone else", async () => {
    const { org, owner } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id, uniqueEmail("once"), "member");
    const invitee = await createUser({ email: invitation.email });
    await acceptInvitation({ actor: { userId: invitee.id }, token: invitation.token });
    expect(await getMembershipRole(org.id, invitee.id)).toBe("member");

    await expect(acceptInvitation({ actor: { userId: invitee.id }, token: invitation.token })).rejects.toMatchObject({ code: "gone" });
    const other = await createUser();
    await expect(acceptInvitation({ actor: { userId: other.id }, token: invitation.token })).rejects.toMatchObject({ code: "gone" });
    expect(await isMember(org.id, other.id)).toBe(false);
    expect((await activityOf(org.id)).filter((e) => e.type === "member.joined")).toHaveLength(1);
  });

  it("expires after 7 days", async () => {
    const { org, owner } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id);
    const invitee = await createUser({ email: invitation.email });
    const actor = { userId: invitee.id };
    const eightDaysLater = new Date(Date.now() + 8 * DAY);

    expect((await getInvitationByToken(invitation.token, eightDaysLater))?.status).toBe("expired");
    await expect(acceptInvitation({ actor, token: invitation.token, now: eightDaysLater })).rejects.toMatchObject({ code: "gone" });
    expect(await isMember(org.id, invitee.id)).toBe(false);
    expect((await getInvitationRow(invitation.id))!.acceptedAt).toBeNull();

    // Just inside the window it still works.
    await acceptInvitation({ actor, token: invitation.token, now: new Date(Date.now() + 7 * DAY - 60_000) });
    expect(await isMember(org.id, invitee.id)).toBe(true);
  });

  it("a revoked invitation is gone; revoking it twice is not_found", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id);
    const invitee = await createUser({ email: invitation.email });

    await revokeInvitation({ actor: actors.admin, input: { orgId: org.id, invitationId: invitation.id } });

    expect((await getInvitationByToken(invitation.token))?.status).toBe("revoked");
    expect(await listOpenInvitations({ actor: actors.owner, orgId: org.id })).toEqual([]);
    await expect(acceptInvitation({ actor: { userId: invitee.id }, token: invitation.token })).rejects.toMatchObject({ code: "gone" });
    expect(await isMember(org.id, invitee.id)).toBe(false);
    await expect(
      revokeInvitation({ actor: actors.admin, input: { orgId: org.id, invitationId: invitation.id } }),
    ).rejects.toMatchObject({ code: "not_found" });
    const revoked = (await activityOf(org.id)).filter((e) => e.type === "invitation.revoked");
    expect(revoked).toEqual([expect.objectContaining({ actorId: actors.admin.userId, subjectId: invitation.id })]);
  });

  it("with another address is forbidden and changes nothing; the invited person can still accept", async () => {
    const { org, owner } = await createOrgWithRoles();
    const invitation = await createInvitationFor(org.id, owner.id, uniqueEmail("intended"), "admin");
    const intruder = await createUser({ emailVerified: null });
    const before = await snapshotOrg(org.id);

    await expect(acceptInvitation({ actor: { userId: intruder.id }, token: invitation.token })).rejects.toMatchObject({
      code: "forbidden",
    });

    expect(await snapshotOrg(org.id)).toEqual(before);
    expect((await getUserById(intruder.id))!.emailVerified).toBeNull();
    expect((await getInvitationByToken(invitation.token))?.status).toBe("open");

    const intended = await createUser({ email: invitation.email });
    await acceptInvitation({ actor: { userId: intended.id }, token: invitation.token });
    expect(await getMembershipRole(org.id, intended.id)).toBe("admin");
  });

  it("an unknown token is not_found", async () => {
    const user = await createUser();
    const token = "x".repeat(43);
    await expect(acceptInvitation({ actor: { userId: user.id }, token })).rejects.toMatchObject({ code: "not_found" });
    expect(await getInvitationByToken(token)).toBeNull();
  });
});
