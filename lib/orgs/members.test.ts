import { describe, expect, it } from "vitest";
import { changeMemberRole, countMembers, listMembers, removeMember } from "@/lib/orgs/members";
import type { Role } from "@/lib/orgs/permissions";
import {
  activityOf,
  addMember,
  createOrg,
  createOrgWithRoles,
  createUser,
  getMembershipRole,
  isMember,
} from "@/lib/testing/factories";

const changeRole = (actorId: string, orgId: string, userId: string, role: Role) =>
  changeMemberRole({ actor: { userId: actorId }, input: { orgId, userId, role } });
const remove = (actorId: string, orgId: string, userId: string) =>
  removeMember({ actor: { userId: actorId }, input: { orgId, userId } });

describe("listMembers", () => {
  it("lists every member with name, email and role, in joining order", async () => {
    const { org, owner, admin, member, actors } = await createOrgWithRoles();
    const members = await listMembers({ actor: actors.member, orgId: org.id });
    expect(members.map(({ userId, name, email, role }) => ({ userId, name, email, role }))).toEqual([
      { userId: owner.id, name: "Olivia Owner", email: owner.email, role: "owner" },
      { userId: admin.id, name: "Adam Admin", email: admin.email, role: "admin" },
      { userId: member.id, name: "Mia Member", email: member.email, role: "member" },
    ]);
    expect(members[0]!.joinedAt).toBeInstanceOf(Date);
    expect(await countMembers(org.id)).toBe(3);
  });
});

describe("changeMemberRole", () => {
  it("changes a role and records who changed it from what to what", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    await changeRole(owner.id, org.id, member.id, "admin");
    expect(await getMembershipRole(org.id, member.id)).toBe("admin");
    const event = (await activityOf(org.id)).find((e) => e.type === "member.role_changed");
    expect(event).toMatchObject({ actorId: owner.id, subjectType: "member", subjectId: member.id, data: { from: "member", to: "admin" } });
  });

  it("setting the role a member already has is a no-op without an activity event", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    await changeRole(owner.id, org.id, member.id, "member");
    expect(await getMembershipRole(org.id, member.id)).toBe("member");
    expect((await activityOf(org.id)).filter((e) => e.type === "member.role_changed")).toHaveLength(0);
  });

  it("the last owner cannot be demoted", async () => {
    const { org, owner } = await createOrgWithRoles();
    for (const role of ["admin", "member"] as const) {
      await expect(changeRole(owner.id, org.id, owner.id, role)).rejects.toMatchObject({ code: "conflict" });
    }
    expect(await getMembershipRole(org.id, owner.id)).toBe("owner");
    expect((await activityOf(org.id)).filter((e) => e.type === "member.role_changed")).toHaveLength(0);
  });

  it("with two owners one can be demoted, after which the other is the last owner again", async () => {
    const { org, owner, admin } = await createOrgWithRoles();
    await changeRole(owner.id, org.id, admin.id, "owner");
    expect(await getMembershipRole(org.id, admin.id)).toBe("owner");

    // The new owner demotes the original one.
    await changeRole(admin.id, org.id, owner.id, "member");
    expect(await getMembershipRole(org.id, owner.id)).toBe("member");

    await expect(changeRole(admin.id, org.id, admin.id, "admin")).rejects.toMatchObject({ code: "conflict" });
    expect(await getMembershipRole(org.id, admin.id)).toBe("owner");
  });

  it("an owner may demote themself while another owner remains", async () => {
    const { org, owner } = await createOrgWithRoles();
    const coOwner = await createUser();
    await addMember(org.id, coOwner.id, "owner");
    await changeRole(owner.id, org.id, owner.id, "admin");
    expect(await getMembershipRole(org.id, owner.id)).toBe("admin");
  });

  it("an admin cannot demote an owner, even when another owner would remain", async () => {
    const { org, owner, admin } = await createOrgWithRoles();
    const coOwner = await createUser();
    await addMember(org.id, coOwner.id, "owner");
    await expect(changeRole(admin.id, org.id, owner.id, "member")).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeRole(admin.id, org.id, coOwner.id, "admin")).rejects.toMatchObject({ code: "forbidden" });
    expect(await getMembershipRole(org.id, owner.id)).toBe("owner");
    expect(await getMembershipRole(org.id, coOwner.id)).toBe("owner");
  });

  it("an admin cannot make anyone an owner, themself included", async () => {
    const { org, admin, member } = await createOrgWithRoles();
    await expect(changeRole(admin.id, org.id, member.id, "owner")).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeRole(admin.id, org.id, admin.id, "owner")).rejects.toMatchObject({ code: "forbidden" });
    expect(await getMembershipRole(org.id, member.id)).toBe("member");
    expect(await getMembershipRole(org.id, admin.id)).toBe("admin");
  });

  it("an admin may promote a member and demote another admin", async () => {
    const { org, admin, member } = await createOrgWithRoles();
    const otherAdmin = await createUser();
    await addMember(org.id, otherAdmin.id, "admin");
    await changeRole(admin.id, org.id, member.id, "admin");
    await changeRole(admin.id, org.id, otherAdmin.id, "member");
    expect(await getMembershipRole(org.id, member.id)).toBe("admin");
    expect(await getMembershipRole(org.id, otherAdmin.id)).toBe("member");
  });

  it("a member cannot change roles, not even their own", async () => {
    const { org, admin, member } = await createOrgWithRoles();
    await expect(changeRole(member.id, org.id, member.id, "admin")).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeRole(member.id, org.id, admin.id, "member")).rejects.toMatchObject({ code: "forbidden" });
    expect(await getMembershipRole(org.id, member.id)).toBe("member");
    expect(await getMembershipRole(org.id, admin.id)).toBe("admin");
  });

  it("is not_found for someone who is not a member, and invalid_input for an unknown role", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    const stranger = await createUser();
    await expect(changeRole(owner.id, org.id, stranger.id, "admin")).rejects.toMatchObject({ code: "not_found" });
    expect(await isMember(org.id, stranger.id)).toBe(false);
    await expect(
      changeMemberRole({ actor: { userId: owner.id }, input: { orgId: org.id, userId: member.id, role: "superuser" } }),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { role: expect.any(Array) } });
  });
});

describe("removeMember", () => {
  it("an admin removes a member, who then loses access; the removal is recorded", async () => {
    const { org, admin, member, actors } = await createOrgWithRoles();
    await remove(admin.id, org.id, member.id);
    expect(await isMember(org.id, member.id)).toBe(false);
    expect(await countMembers(org.id)).toBe(2);
    await expect(listMembers({ actor: actors.member, orgId: org.id })).rejects.toMatchObject({ code: "not_found" });
    const event = (await activityOf(org.id)).find((e) => e.type === "member.removed");
    expect(event).toMatchObject({ actorId: admin.id, subjectId: member.id, data: { role: "member", left: false } });
  });

  it("a member can leave, recorded as leaving", async () => {
    const { org, member } = await createOrgWithRoles();
    await remove(member.id, org.id, member.id);
    expect(await isMember(org.id, member.id)).toBe(false);
    const event = (await activityOf(org.id)).find((e) => e.type === "member.removed");
    expect(event).toMatchObject({ actorId: member.id, subjectId: member.id, data: { role: "member", left: true } });
  });

  it("a member cannot remove someone else", async () => {
    const { org, admin, member } = await createOrgWithRoles();
    await expect(remove(member.id, org.id, admin.id)).rejects.toMatchObject({ code: "forbidden" });
    expect(await isMember(org.id, admin.id)).toBe(true);
  });

  it("the last owner can neither be removed nor leave", async () => {
    const { org, owner, admin } = await createOrgWithRoles();
    await expect(remove(owner.id, org.id, owner.id)).rejects.toMatchObject({ code: "conflict" });
    await expect(remove(admin.id, org.id, owner.id)).rejects.toMatchObject({ code: "forbidden" });
    expect(await getMembershipRole(org.id, owner.id)).toBe("owner");
    expect((await activityOf(org.id)).filter((e) => e.type === "member.removed")).toHaveLength(0);
  });

  it("an owner can leave when another owner remains, and one owner can remove another", async () => {
    const { org, owner } = await createOrgWithRoles();
    const second = await createUser();
    const third = await createUser();
    await addMember(org.id, second.id, "owner");
    await addMember(org.id, third.id, "owner");
    await remove(owner.id, org.id, owner.id);
    expect(await isMember(org.id, owner.id)).toBe(false);
    await remove(second.id, org.id, third.id);
    expect(await isMember(org.id, third.id)).toBe(false);
    // `second` is now the only owner.
    await expect(remove(second.id, org.id, second.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("an admin cannot remove an owner even when another owner remains", async () => {
    const { org, owner, admin } = await createOrgWithRoles();
    const coOwner = await createUser();
    await addMember(org.id, coOwner.id, "owner");
    await expect(remove(admin.id, org.id, coOwner.id)).rejects.toMatchObject({ code: "forbidden" });
    expect(await isMember(org.id, coOwner.id)).toBe(true);
    expect(await isMember(org.id, owner.id)).toBe(true);
  });

  it("removing someone who is not a member is not_found", async () => {
    const { org, owner } = await createOrgWithRoles();
    const stranger = await createUser();
    await expect(remove(owner.id, org.id, stranger.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await countMembers(org.id)).toBe(3);
  });

  it("two owners stepping down at the same moment: one succeeds, the other gets a conflict (never a deadlock)", async () => {
    // On Postgres the two calls really overlap; several rounds because the interleaving varies.
    for (let round = 0; round < 5; round++) {
      const org = await createOrg();
      const first = await createUser();
      const second = await createUser();
      await addMember(org.id, first.id, "owner");
      await addMember(org.id, second.id, "owner");
      const results = await Promise.allSettled([
        changeRole(first.id, org.id, first.id, "member"),
        remove(second.id, org.id, second.id),
      ]);
      const outcomes = results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as { code?: string }).code ?? String(r.reason)));
      expect(outcomes.sort()).toEqual(["conflict", "ok"]);
      const roles = [await getMembershipRole(org.id, first.id), await getMembershipRole(org.id, second.id)];
      expect(roles.filter((r) => r === "owner")).toHaveLength(1);
    }
  });

  it("one leaving does not touch their membership of another org", async () => {
    const first = await createOrgWithRoles();
    const second = await createOrgWithRoles();
    await addMember(second.org.id, first.member.id, "admin");
    await remove(first.member.id, first.org.id, first.member.id);
    expect(await isMember(first.org.id, first.member.id)).toBe(false);
    expect(await getMembershipRole(second.org.id, first.member.id)).toBe("admin");
  });
});
