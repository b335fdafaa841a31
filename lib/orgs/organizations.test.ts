import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { createOrganization } from "@/lib/orgs/create-organization";
import { findOrgForMember, listUserOrganizations } from "@/lib/orgs/get-org-context";
import { deleteOrganization, updateOrganization } from "@/lib/orgs/update-organization";
import {
  activityOf,
  addMember,
  createInvitationFor,
  createOrg,
  createOrgWithRoles,
  createProjectFor,
  createTaskFor,
  createUser,
  getInvitationRow,
  getOrgRow,
  getProjectRow,
  getTaskRow,
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
  it("requires the slug typed to confirm", async () => {
    const { org, actors } = await createOrgWithRoles();
    await expect(
      deleteOrganization({ actor: actors.owner, input: { orgId: org.id, confirmSlug: "wrong-slug" } }),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { confirmSlug: expect.any(Array) } });
    expect(await getOrgRow(org.id)).toBeDefined();
  });

  it("deletes the org and everything it owns, and nothing else", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const task = await createTaskFor(org.id, project.id, owner.id);
    const invitation = await createInvitationFor(org.id, owner.id);
    const survivor = await createOrgWithRoles();
    await addMember(survivor.org.id, member.id, "member");
    const survivorProject = await createProjectFor(survivor.org.id, survivor.owner.id);

    await deleteOrganization({ actor: actors.owner, input: { orgId: org.id, confirmSlug: ` ${org.slug.toUpperCase()} ` } });

    expect(await getOrgRow(org.id)).toBeUndefined();
    expect(await getProjectRow(project.id)).toBeUndefined();
    expect(await getTaskRow(task.id)).toBeUndefined();
    expect(await getInvitationRow(invitation.id)).toBeUndefined();
    expect(await activityOf(org.id)).toEqual([]);
    expect(await getDb().select().from(memberships).where(eq(memberships.orgId, org.id))).toEqual([]);
    // The people stay, as do their other orgs.
    expect(await listUserOrganizations(member.id)).toEqual([expect.objectContaining({ id: survivor.org.id })]);
    expect(await getProjectRow(survivorProject.id)).toBeDefined();
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
