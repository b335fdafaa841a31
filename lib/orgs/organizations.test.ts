import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { createOrganization } from "@/lib/orgs/create-organization";
import { findOrgForMember, listUserOrganizations } from "@/lib/orgs/get-org-context";
import { resetEnvForTests } from "@/lib/env";
import { acceptInvitation, getInvitationByToken } from "@/lib/orgs/invitations";
import { deleteOrganization, listDeletedOrganizations, restoreOrganization } from "@/lib/orgs/delete-organization";
import { updateOrganization } from "@/lib/orgs/update-organization";
import {
  activityOf,
  addMember,
  createInvitationFor,
  createOrg,
  createOrgWithRoles,
  createProjectFor,
  createTaskFor,
  createUser,
  getOrgRow,
  getProjectRow,
  isMember,
  setUserPassword,
  snapshotOrg,
  unique,
} from "@/lib/testing/factories";

// Covers create-organization.ts, update-organization.ts and get-org-context.ts.

describe("createOrganization", () => {
  it("creates the org with a slug from its name, its creator as owner, and an org.created event", async () => {
    const user = await createUser();
    const name = `Acme Ünïcode ${unique()}`;
    const org = await createOrganization({ ownerId: user.id, name });
    expect(org.name).toBe(name);
    expect(org.slug).toBe(`acme-unicode-${name.slice(-8)}`);
    expect(await listUserOrganizations(user.id)).toEqual([{ id: org.id, name, slug: org.slug, role: "owner" }]);
    expect(await activityOf(org.id)).toEqual([
      expect.objectContaining({ type: "org.created", actorId: user.id, subjectId: org.id, data: { name } }),
    ]);
  });

  it("gives a second org with the same name a different slug", async () => {
    const user = await createUser();
    const name = `Twin ${unique()}`;
    const first = await createOrganization({ ownerId: user.id, name });
    const second = await createOrganization({ ownerId: user.id, name });
    expect(second.slug).not.toBe(first.slug);
    expect(second.slug.startsWith(`${first.slug}-`)).toBe(true);
  });

  it("never takes a reserved slug", async () => {
    const user = await createUser();
    const org = await createOrganization({ ownerId: user.id, name: "Settings" });
    expect(org.slug).not.toBe("settings");
    expect(org.slug).toMatch(/^org-settings/);
  });

  it("rejects a one-letter name as invalid_input, creating nothing", async () => {
    const user = await createUser();
    await expect(createOrganization({ ownerId: user.id, name: " x " })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { name: expect.any(Array) },
    });
    expect(await listUserOrganizations(user.id)).toEqual([]);
  });
});

describe("findOrgForMember / listUserOrganizations", () => {
  it("resolves the slug case-insensitively to the org and the member's role", async () => {
    const { org, admin } = await createOrgWithRoles();
    expect(await findOrgForMember(admin.id, org.slug.toUpperCase())).toEqual({
      org: { id: org.id, name: org.name, slug: org.slug, plan: "free" },
      role: "admin",
    });
    expect(await findOrgForMember(admin.id, `missing-${unique()}`)).toBeNull();
  });

  it("lists a user's orgs, oldest membership first", async () => {
    const user = await createUser();
    const first = await createOrg();
    const second = await createOrg();
    // Explicit times: two inserts can land within the clock's resolution.
    await addMember(second.id, user.id, "member", new Date("2026-01-01T00:00:00Z"));
    await addMember(first.id, user.id, "admin", new Date("2026-01-02T00:00:00Z"));
    expect((await listUserOrganizations(user.id)).map((o) => [o.id, o.role])).toEqual([
      [second.id, "member"],
      [first.id, "admin"],
    ]);
  });
});

describe("updateOrganization", () => {
  it("renames the org and changes its slug, recorded as org.updated", async () => {
    const { org, actors } = await createOrgWithRoles();
    const slug = `new-slug-${unique()}`;
    await expect(
      updateOrganization({ actor: actors.admin, input: { orgId: org.id, name: "  New Name ", slug: slug.toUpperCase() } }),
    ).resolves.toEqual({ slug });
    expect(await getOrgRow(org.id)).toMatchObject({ name: "New Name", slug });
    expect(await findOrgForMember(actors.member.userId, slug)).not.toBeNull();
    expect(await findOrgForMember(actors.member.userId, org.slug)).toBeNull();
    expect((await activityOf(org.id)).find((e) => e.type === "org.updated")).toMatchObject({ data: { name: "New Name", slug } });
  });

  it("refuses a slug another org has, as a conflict on the slug field", async () => {
    const { org, actors } = await createOrgWithRoles();
    const other = await createOrg();
    await expect(
      updateOrganization({ actor: actors.owner, input: { orgId: org.id, name: "Whatever", slug: other.slug } }),
    ).rejects.toMatchObject({ code: "conflict", fieldErrors: { slug: expect.any(Array) } });
    expect(await getOrgRow(org.id)).toMatchObject({ name: org.name, slug: org.slug });
    expect((await activityOf(org.id)).filter((e) => e.type === "org.updated")).toHaveLength(0);
  });

  it("keeping its own slug is not a conflict", async () => {
    const { org, actors } = await createOrgWithRoles();
    await updateOrganization({ actor: actors.owner, input: { orgId: org.id, name: "Renamed only", slug: org.slug } });
    expect(await getOrgRow(org.id)).toMatchObject({ name: "Renamed only", slug: org.slug });
  });

  it.each([
    ["a reserved slug", "settings"],
    ["a slug with spaces", "my org"],
    ["a slug with a double hyphen", "my--org"],
    ["a slug that is too short", "ab"],
  ])("rejects %s as invalid_input", async (_label, slug) => {
    const { org, actors } = await createOrgWithRoles();
    await expect(updateOrganization({ actor: actors.owner, input: { orgId: org.id, name: "Fine", slug } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { slug: expect.any(Array) },
    });
    expect((await getOrgRow(org.id))!.slug).toBe(org.slug);
  });
});

describe("deleteOrganization", () => {
  const PASSWORD = "owner-password-1";

  async function deletableOrg() {
    const world = await createOrgWithRoles();
    await setUserPassword(world.owner.id, PASSWORD);
    const project = await createProjectFor(world.org.id, world.owner.id);
    await createTaskFor(world.org.id, project.id, world.owner.id);
    return { ...world, project };
  }

  it.each([
    ["no password", {}],
    ["an empty password", { password: "" }],
    ["a wrong password", { password: "not-the-password" }],
  ])("refuses %s with a field error and changes nothing", async (_case, extra) => {
    const { org, actors } = await deletableOrg();
    const before = await snapshotOrg(org.id);
    await expect(deleteOrganization({ actor: actors.owner, input: { orgId: org.id, ...extra } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { password: expect.any(Array) },
    });
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("counts wrong passwords against the account's sign-in limit", async () => {
    const { org, actors } = await deletableOrg();
    for (let i = 0; i < 10; i++) {
      await expect(deleteOrganization({ actor: actors.owner, input: { orgId: org.id, password: `guess-${i}` } })).rejects.toMatchObject({ code: "invalid_input" });
    }
    // The right password no longer helps within the window: guessing through this form is as slow as signing in.
    await expect(deleteOrganization({ actor: actors.owner, input: { orgId: org.id, password: PASSWORD } })).rejects.toMatchObject({ code: "rate_limited" });
    expect((await getOrgRow(org.id))?.deletedAt).toBeNull();
  });

  it("with the owner's password, hides the org from every member at once and keeps its data for the grace period", async () => {
    const { org, owner, member, actors, project } = await deletableOrg();
    const survivor = await createOrgWithRoles();
    await addMember(survivor.org.id, member.id, "member");
    await listUserOrganizations(member.id); // warm the cache the next reads would hit
    const now = new Date();

    const { purgeAfter } = await deleteOrganization({ actor: actors.owner, input: { orgId: org.id, password: PASSWORD }, now });

    expect(purgeAfter.getTime()).toBe(now.getTime() + 14 * 24 * 3600 * 1000);
    expect(await listUserOrganizations(member.id)).toEqual([expect.objectContaining({ id: survivor.org.id })]);
    expect(await listUserOrganizations(owner.id)).toEqual([]);
    expect(await findOrgForMember(member.id, org.slug)).toBeNull();
    // Writes are refused too (they read the membership from the database, not the cache).
    await expect(createProjectFor(org.id, owner.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(updateOrganization({ actor: actors.owner, input: { orgId: org.id, name: "Back", slug: org.slug } })).rejects.toMatchObject({
      code: "not_found",
    });
    // Nothing is erased yet, and the owner sees it on the undo page.
    expect(await getProjectRow(project.id)).toBeDefined();
    expect(await listDeletedOrganizations({ actor: actors.owner })).toEqual([expect.objectContaining({ id: org.id, purgeAfter })]);
    expect(await listDeletedOrganizations({ actor: { userId: member.id } })).toEqual([]);
    // A second delete finds nothing to delete.
    await expect(deleteOrganization({ actor: actors.owner, input: { orgId: org.id, password: PASSWORD } })).rejects.toMatchObject({ code: "not_found" });
  });

  it("the grace period follows ORG_DELETION_GRACE_DAYS", async () => {
    vi.stubEnv("ORG_DELETION_GRACE_DAYS", "3");
    resetEnvForTests();
    try {
      const { org, actors } = await deletableOrg();
      const now = new Date();
      const { purgeAfter } = await deleteOrganization({ actor: actors.owner, input: { orgId: org.id, password: PASSWORD }, now });
      expect(purgeAfter.getTime()).toBe(now.getTime() + 3 * 24 * 3600 * 1000);
    } finally {
      vi.unstubAllEnvs();
      resetEnvForTests();
    }
  });

  it("an invitation to a deleted org can no longer be accepted", async () => {
    const { org, actors, owner } = await deletableOrg();
    const invitee = await createUser();
    const { token } = await createInvitationFor(org.id, owner.id, invitee.email);
    await deleteOrganization({ actor: actors.owner, input: { orgId: org.id, password: PASSWORD } });
    expect((await getInvitationByToken(token))?.status).toBe("revoked");
    await expect(acceptInvitation({ actor: { userId: invitee.id }, token })).rejects.toMatchObject({ code: "gone" });
    expect(await isMember(org.id, invitee.id)).toBe(false);
  });
});

describe("restoreOrganization", () => {
  const PASSWORD = "owner-password-1";

  async function deletedOrg(now = new Date()) {
    const world = await createOrgWithRoles();
    await setUserPassword(world.owner.id, PASSWORD);
    const project = await createProjectFor(world.org.id, world.owner.id);
    await deleteOrganization({ actor: world.actors.owner, input: { orgId: world.org.id, password: PASSWORD }, now });
    return { ...world, project };
  }

  it("the owner's undo within the grace period gives every member the org back, data intact", async () => {
    const { org, member, actors, project } = await deletedOrg();
    expect(await listUserOrganizations(member.id)).toEqual([]);

    expect(await restoreOrganization({ actor: actors.owner, input: { orgId: org.id } })).toEqual({ slug: org.slug });

    expect(await listUserOrganizations(member.id)).toEqual([expect.objectContaining({ id: org.id })]);
    expect(await getProjectRow(project.id)).toBeDefined();
    expect(await getOrgRow(org.id)).toMatchObject({ deletedAt: null, purgeAfter: null });
    expect(await listDeletedOrganizations({ actor: actors.owner })).toEqual([]);
    expect((await activityOf(org.id)).map((e) => e.type)).toEqual(expect.arrayContaining(["org.deleted", "org.restored"]));
  });

  it("admins and members cannot undo it, and nothing changes", async () => {
    const { org, actors } = await deletedOrg();
    for (const actor of [actors.admin, actors.member]) {
      await expect(restoreOrganization({ actor, input: { orgId: org.id } })).rejects.toMatchObject({ code: "forbidden" });
    }
    const outsider = await createUser();
    await expect(restoreOrganization({ actor: { userId: outsider.id }, input: { orgId: org.id } })).rejects.toMatchObject({ code: "not_found" });
    expect((await getOrgRow(org.id))?.deletedAt).not.toBeNull();
  });

  it("after the grace period it is refused: the purge may have begun", async () => {
    const { org, actors } = await deletedOrg(new Date(Date.now() - 15 * 24 * 3600 * 1000));
    await expect(restoreOrganization({ actor: actors.owner, input: { orgId: org.id } })).rejects.toMatchObject({ code: "gone" });
    expect((await getOrgRow(org.id))?.deletedAt).not.toBeNull();
  });

  it("a live organization has nothing to restore", async () => {
    const { org, actors } = await createOrgWithRoles();
    await expect(restoreOrganization({ actor: actors.owner, input: { orgId: org.id } })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("createOrganization under concurrency", () => {
  it("gives simultaneous organizations with the same name distinct slugs instead of failing", async () => {
    const name = `Race ${randomUUID().slice(0, 8)}`;
    const owners = await Promise.all(Array.from({ length: 4 }, () => createUser()));
    const orgs = await Promise.all(owners.map((o) => createOrganization({ ownerId: o.id, name })));
    expect(new Set(orgs.map((o) => o.slug)).size).toBe(4);
    expect(orgs.map((o) => o.name)).toEqual([name, name, name, name]);
  });
});
