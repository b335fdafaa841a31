import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { getActivitySummary } from "@/lib/activity/get-activity-summary";
import { changePassword, registerUser, requestPasswordReset, resetPassword, signOutEverywhere, updateProfile, verifyEmail } from "@/lib/auth/account";
import { isSessionCurrent } from "@/lib/auth/session-version";
import { getSessionUser } from "@/lib/auth/user-cache";
import { withQueryCount } from "@/lib/db/query-counter";
import { createOrganization } from "@/lib/orgs/create-organization";
import { findOrgForMember, listUserOrganizations } from "@/lib/orgs/get-org-context";
import { acceptInvitation, createInvitation } from "@/lib/orgs/invitations";
import { changeMemberRole, getMemberOptionsJson, removeMember } from "@/lib/orgs/members";
import { requirePermission } from "@/lib/orgs/require-permission";
import { deleteOrganization } from "@/lib/orgs/delete-organization";
import { updateOrganization } from "@/lib/orgs/update-organization";
import { listMembers } from "@/lib/orgs/members";
import { createProject, getOrgStats, getProjectOrThrow, renameProject, setProjectArchived } from "@/lib/projects/projects";
import { createTask, deleteTask, updateTask } from "@/lib/projects/tasks";
import { addMember, createOrgWithRoles, createProjectFor, createUser, createUserWithPassword, setUserPassword, unique, uniqueEmail } from "@/lib/testing/factories";
import { orgPermissions } from "@/lib/orgs/permissions";

// The hot path (session user, memberships) and the dashboard aggregates are served from the cache. Each test warms an
// entry, proves the warm read costs no query, makes a change through the service a user would, and checks that the very
// next read shows it.

async function queries<T>(fn: () => Promise<T>): Promise<{ value: T; count: number }> {
  const { result, count } = await withQueryCount(fn);
  return { value: result, count };
}

async function warm<T>(fn: () => Promise<T>): Promise<T> {
  await fn();
  const { value, count } = await queries(fn);
  expect(count, "a warm read is served from the cache").toBe(0);
  return value;
}

describe("session user cache", () => {
  it("a profile edit shows on the next read", async () => {
    const user = await createUser({ name: "Before" });
    expect((await warm(() => getSessionUser(user.id)))?.name).toBe("Before");
    await updateProfile({ userId: user.id, input: { name: "After" } });
    expect((await getSessionUser(user.id))?.name).toBe("After");
  });

  it("verifying the email shows on the next read", async () => {
    const { userId, verificationToken } = await registerUser({ input: { name: "Vera", email: uniqueEmail(), password: "correct horse battery" } });
    expect((await warm(() => getSessionUser(userId)))?.emailVerified).toBeNull();
    await verifyEmail({ token: verificationToken });
    expect((await getSessionUser(userId))?.emailVerified).toBeInstanceOf(Date);
  });

  it("revocation: sign out everywhere, a password change and a reset each end the sessions issued before", async () => {
    const user = await createUserWithPassword("first password 1");
    const tokenVersion = (await warm(() => getSessionUser(user.id)))!.sessionVersion;

    await signOutEverywhere({ userId: user.id });
    const afterSignOut = (await getSessionUser(user.id))!.sessionVersion;
    expect(isSessionCurrent(tokenVersion, afterSignOut)).toBe(false);

    await warm(() => getSessionUser(user.id));
    await changePassword({ userId: user.id, input: { currentPassword: "first password 1", newPassword: "second password 2" } });
    const afterChange = (await getSessionUser(user.id))!.sessionVersion;
    expect(isSessionCurrent(afterSignOut, afterChange)).toBe(false);

    await warm(() => getSessionUser(user.id));
    const { token } = await requestPasswordReset({ input: { email: user.email } });
    await resetPassword({ input: { token, password: "third password 3" } });
    expect(isSessionCurrent(afterChange, (await getSessionUser(user.id))!.sessionVersion)).toBe(false);
  });
});

describe("membership cache", () => {
  it("writes never trust the cache: a member removed while the invalidation was lost can still read for a while, but not write", async () => {
    const { org, member } = await createOrgWithRoles();
    await warm(() => findOrgForMember(member.id, org.slug));
    // The membership goes away behind the cache's back, as if Redis had been down when it was invalidated.
    await getDb().delete(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, member.id)));
    expect(await findOrgForMember(member.id, org.slug)).not.toBeNull();
    await expect(createProject({ actor: { userId: member.id }, input: { orgId: org.id, name: "Sneaky" } })).rejects.toMatchObject({ code: "not_found" });
  });

  it("a role change takes effect on the member's next request, for pages and for permission checks", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    expect((await warm(() => findOrgForMember(member.id, org.slug)))?.role).toBe("member");
    await expect(requirePermission({ userId: member.id }, org.id, orgPermissions["invitation:create"])).rejects.toMatchObject({ code: "forbidden" });

    await changeMemberRole({ actor: { userId: owner.id }, input: { orgId: org.id, userId: member.id, role: "admin" } });
    expect((await findOrgForMember(member.id, org.slug))?.role).toBe("admin");
    await expect(requirePermission({ userId: member.id }, org.id, orgPermissions["invitation:create"])).resolves.toBe("admin");

    await changeMemberRole({ actor: { userId: owner.id }, input: { orgId: org.id, userId: member.id, role: "member" } });
    await expect(requirePermission({ userId: member.id }, org.id, orgPermissions["invitation:create"])).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a removed member loses the org on the next request; a member who leaves too", async () => {
    const { org, owner, admin, member } = await createOrgWithRoles();
    await warm(() => findOrgForMember(member.id, org.slug));
    await warm(() => findOrgForMember(admin.id, org.slug));
    await removeMember({ actor: { userId: owner.id }, input: { orgId: org.id, userId: member.id } });
    await removeMember({ actor: { userId: admin.id }, input: { orgId: org.id, userId: admin.id } });
    expect(await findOrgForMember(member.id, org.slug)).toBeNull();
    expect(await findOrgForMember(admin.id, org.slug)).toBeNull();
    await expect(requirePermission({ userId: member.id }, org.id, orgPermissions["org:read"])).rejects.toMatchObject({ code: "not_found" });
  });

  it("renaming the org or its slug shows for every member; deleting it removes it for every member", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    await warm(() => listUserOrganizations(member.id));
    await warm(() => listUserOrganizations(owner.id));
    const slug = `renamed-${unique()}`;
    await updateOrganization({ actor: { userId: owner.id }, input: { orgId: org.id, name: "Renamed Inc", slug } });
    expect(await findOrgForMember(member.id, org.slug)).toBeNull();
    expect(await findOrgForMember(member.id, slug)).toMatchObject({ org: { name: "Renamed Inc", slug } });

    await warm(() => listUserOrganizations(member.id));
    await setUserPassword(owner.id, "owner-password-1");
    await deleteOrganization({ actor: { userId: owner.id }, input: { orgId: org.id, password: "owner-password-1" } });
    expect(await listUserOrganizations(member.id)).toEqual([]);
    expect(await listUserOrganizations(owner.id)).toEqual([]);
  });

  it("creating an org and accepting an invitation show up at once", async () => {
    const { org, owner } = await createOrgWithRoles();
    const joiner = await createUser();
    expect(await warm(() => listUserOrganizations(joiner.id))).toEqual([]);
    const created = await createOrganization({ ownerId: joiner.id, name: "Own Org" });
    expect((await listUserOrganizations(joiner.id)).map((o) => o.id)).toEqual([created.id]);

    await warm(() => listUserOrganizations(joiner.id));
    const { token } = await createInvitation({ actor: { userId: owner.id }, input: { orgId: org.id, email: joiner.email, role: "admin" } });
    await acceptInvitation({ actor: { userId: joiner.id }, token });
    expect(await findOrgForMember(joiner.id, org.slug)).toMatchObject({ role: "admin" });
  });
});

describe("dashboard aggregates", () => {
  it("task and project writes and member changes show in the counts and the activity summary at once", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const stats = () => getOrgStats({ actor: actors.member, orgId: org.id });
    const summary = () => getActivitySummary({ actor: actors.member, orgId: org.id });

    expect(await warm(stats)).toMatchObject({ projects: 1, todo: 0, members: 3 });
    const before = await warm(summary);

    const task = await createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "Write the docs" } });
    expect(await stats()).toMatchObject({ todo: 1, done: 0 });
    const after = await summary();
    expect(after.recent[0]).toMatchObject({ type: "task.created", data: { title: "Write the docs" } });
    expect(after.daily.at(-1)!.count).toBe(before.daily.at(-1)!.count + 1);

    await warm(stats);
    await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: task.id, status: "done" } });
    expect(await stats()).toMatchObject({ todo: 0, done: 1 });

    await warm(stats);
    await deleteTask({ actor: actors.owner, input: { orgId: org.id, taskId: task.id } });
    expect(await stats()).toMatchObject({ done: 0 });

    await warm(stats);
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: true } });
    expect(await stats()).toMatchObject({ projects: 0 });

    await warm(stats);
    await removeMember({ actor: actors.owner, input: { orgId: org.id, userId: member.id } });
    expect(await getOrgStats({ actor: actors.owner, orgId: org.id })).toMatchObject({ members: 2 });
  });

  it("a project rename shows on the project page; a profile rename shows in member lists and activity of every org", async () => {
    const a = await createOrgWithRoles();
    const b = await createOrgWithRoles();
    await addMember(b.org.id, a.member.id, "member");
    const project = await createProjectFor(a.org.id, a.owner.id, "Old name");
    const header = () => getProjectOrThrow({ actor: a.actors.member, orgId: a.org.id, projectId: project.id });
    expect((await warm(header)).name).toBe("Old name");
    await renameProject({ actor: a.actors.owner, input: { orgId: a.org.id, projectId: project.id, name: "New name" } });
    expect((await header()).name).toBe("New name");

    await createTask({ actor: a.actors.member, input: { orgId: a.org.id, projectId: project.id, title: "By the member" } });
    const names = async (orgId: string, actor: { userId: string }) => (await listMembers({ actor, orgId })).map((m) => m.name);
    expect(await warm(() => names(a.org.id, a.actors.owner))).toContain("Mia Member");
    expect(await warm(() => names(b.org.id, b.actors.owner))).toContain("Mia Member");
    expect((await warm(() => getActivitySummary({ actor: a.actors.owner, orgId: a.org.id }))).recent[0]?.actorName).toBe("Mia Member");

    await updateProfile({ userId: a.member.id, input: { name: "Mia Renamed" } });
    expect(await names(a.org.id, a.actors.owner)).toContain("Mia Renamed");
    expect(await names(b.org.id, b.actors.owner)).toContain("Mia Renamed");
    expect((await getActivitySummary({ actor: a.actors.owner, orgId: a.org.id })).recent[0]?.actorName).toBe("Mia Renamed");
  });

  it("a task write keeps the member list and project headers cached; a member change and a project rename end them", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id, "Kept");
    const members = () => listMembers({ actor: actors.owner, orgId: org.id });
    const header = () => getProjectOrThrow({ actor: actors.owner, orgId: org.id, projectId: project.id });
    const options = async () => (JSON.parse(await getMemberOptionsJson({ actor: actors.owner, orgId: org.id })) as { userId: string }[]).map((o) => o.userId);
    await warm(members);
    await warm(header);
    expect(await warm(options)).toContain(member.id);
    await createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "A task" } });
    expect((await queries(members)).count, "the member list after a task write").toBe(0);
    expect((await queries(header)).count, "the project header after a task write").toBe(0);
    expect((await queries(options)).count, "the assignee options after a task write").toBe(0);

    await changeMemberRole({ actor: actors.owner, input: { orgId: org.id, userId: member.id, role: "admin" } });
    expect((await warm(members)).find((m) => m.userId === member.id)?.role).toBe("admin");
    await removeMember({ actor: actors.owner, input: { orgId: org.id, userId: member.id } });
    expect((await members()).map((m) => m.userId)).not.toContain(member.id);
    expect(await options()).not.toContain(member.id);
    await renameProject({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, name: "Renamed" } });
    expect((await warm(header)).name).toBe("Renamed");
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: true } });
    expect((await header()).archivedAt).toBeInstanceOf(Date);
  });

  it("is per org: a write in one org leaves another org's cached figures as they are", async () => {
    const a = await createOrgWithRoles();
    const b = await createOrgWithRoles();
    const projectA = await createProjectFor(a.org.id, a.owner.id);
    await warm(() => getOrgStats({ actor: b.actors.owner, orgId: b.org.id }));
    await createTask({ actor: a.actors.owner, input: { orgId: a.org.id, projectId: projectA.id, title: "A only" } });
    const { count } = await queries(() => getOrgStats({ actor: b.actors.owner, orgId: b.org.id }));
    expect(count).toBe(0);
  });
});
