import { beforeAll, describe, expect, it } from "vitest";
import { listRecentActivity } from "@/lib/activity/list-activity";
import { createComment, deleteComment, getCommentStats, listTaskComments, updateComment } from "@/lib/comments/comments";
import { findOrgForMember } from "@/lib/orgs/get-org-context";
import { acceptInvitation, createInvitation, listOpenInvitations, revokeInvitation } from "@/lib/orgs/invitations";
import { changeMemberRole, listMembers, removeMember } from "@/lib/orgs/members";
import type { Actor } from "@/lib/orgs/require-permission";
import { deleteOrganization } from "@/lib/orgs/delete-organization";
import { updateOrganization } from "@/lib/orgs/update-organization";
import {
  createProject,
  getOrgStats,
  getProjectOrThrow,
  listProjects,
  renameProject,
  setProjectArchived,
} from "@/lib/projects/projects";
import { createTask, deleteTask, getTaskOrThrow, listTasks, updateTask } from "@/lib/projects/tasks";
import {
  createInvitationFor,
  createOrgWithRoles,
  setUserPassword,
  createProjectFor,
  createTaskFor,
  createUser,
  snapshotOrg,
  uniqueEmail,
} from "@/lib/testing/factories";

// Org A's owner (every permission in A) and a user with no organization at all, aimed at org B's resources.
// Each call must be refused as if the resource did not exist, and org B must be exactly as it was.

type Tenants = Awaited<ReturnType<typeof setUpTenants>>;

// A's owner knows their own password: deleting B must fail on authorization, not on re-authentication.
const OWNER_PASSWORD = "owner-password-1";

async function setUpTenants() {
  const a = await createOrgWithRoles();
  await setUserPassword(a.owner.id, OWNER_PASSWORD);
  const b = await createOrgWithRoles();
  const projectA = await createProjectFor(a.org.id, a.owner.id);
  const taskA = await createTaskFor(a.org.id, projectA.id, a.owner.id);
  const projectB = await createProjectFor(b.org.id, b.owner.id, "B's secret project");
  const taskB = await createTaskFor(b.org.id, projectB.id, b.owner.id, "B's secret task");
  const invitationB = await createInvitationFor(b.org.id, b.owner.id);
  const commentB = await createComment({ actor: b.actors.member, input: { orgId: b.org.id, taskId: taskB.id, body: "B's secret comment" } });
  const outsider = await createUser();
  return { a, b, projectA, taskA, projectB, taskB, invitationB, commentB, outsider: { userId: outsider.id } as Actor };
}

type Attack = [name: string, run: (t: Tenants, actor: Actor) => Promise<unknown>];

// Calls that name org B directly: refused to A's owner and to a user in no org alike.
const attacksOnOrgB: Attack[] = [
  ["listProjects", (t, actor) => listProjects({ actor, orgId: t.b.org.id })],
  ["listProjects (archived)", (t, actor) => listProjects({ actor, orgId: t.b.org.id, archived: true })],
  ["getProjectOrThrow", (t, actor) => getProjectOrThrow({ actor, orgId: t.b.org.id, projectId: t.projectB.id })],
  ["getOrgStats", (t, actor) => getOrgStats({ actor, orgId: t.b.org.id })],
  ["createProject", (t, actor) => createProject({ actor, input: { orgId: t.b.org.id, name: "Planted" } })],
  ["renameProject", (t, actor) => renameProject({ actor, input: { orgId: t.b.org.id, projectId: t.projectB.id, name: "Pwned" } })],
  ["setProjectArchived", (t, actor) => setProjectArchived({ actor, input: { orgId: t.b.org.id, projectId: t.projectB.id, archived: true } })],
  ["listTasks", (t, actor) => listTasks({ actor, orgId: t.b.org.id, projectId: t.projectB.id, filters: {} })],
  ["getTaskOrThrow", (t, actor) => getTaskOrThrow({ actor, orgId: t.b.org.id, projectId: t.projectB.id, taskId: t.taskB.id })],
  ["createTask", (t, actor) => createTask({ actor, input: { orgId: t.b.org.id, projectId: t.projectB.id, title: "Planted" } })],
  ["updateTask", (t, actor) => updateTask({ actor, input: { orgId: t.b.org.id, taskId: t.taskB.id, title: "Pwned" } })],
  ["deleteTask", (t, actor) => deleteTask({ actor, input: { orgId: t.b.org.id, taskId: t.taskB.id } })],
  ["listTaskComments", (t, actor) => listTaskComments({ actor, orgId: t.b.org.id, taskId: t.taskB.id })],
  ["getCommentStats", (t, actor) => getCommentStats({ actor, orgId: t.b.org.id })],
  ["createComment", (t, actor) => createComment({ actor, input: { orgId: t.b.org.id, taskId: t.taskB.id, body: "Planted" } })],
  ["updateComment", (t, actor) => updateComment({ actor, input: { orgId: t.b.org.id, commentId: t.commentB.id, body: "Pwned" } })],
  ["deleteComment", (t, actor) => deleteComment({ actor, input: { orgId: t.b.org.id, commentId: t.commentB.id } })],
  ["listMembers", (t, actor) => listMembers({ actor, orgId: t.b.org.id })],
  ["changeMemberRole", (t, actor) => changeMemberRole({ actor, input: { orgId: t.b.org.id, userId: t.b.member.id, role: "owner" } })],
  ["changeMemberRole (self to owner)", (t, actor) => changeMemberRole({ actor, input: { orgId: t.b.org.id, userId: actor.userId, role: "owner" } })],
  ["removeMember", (t, actor) => removeMember({ actor, input: { orgId: t.b.org.id, userId: t.b.member.id } })],
  ["removeMember (self)", (t, actor) => removeMember({ actor, input: { orgId: t.b.org.id, userId: actor.userId } })],
  ["createInvitation", (t, actor) => createInvitation({ actor, input: { orgId: t.b.org.id, email: uniqueEmail(), role: "owner" } })],
  ["listOpenInvitations", (t, actor) => listOpenInvitations({ actor, orgId: t.b.org.id })],
  ["revokeInvitation", (t, actor) => revokeInvitation({ actor, input: { orgId: t.b.org.id, invitationId: t.invitationB.id } })],
  ["updateOrganization", (t, actor) => updateOrganization({ actor, input: { orgId: t.b.org.id, name: "Pwned", slug: `pwned-${t.b.org.slug}` } })],
  ["deleteOrganization", (t, actor) => deleteOrganization({ actor, input: { orgId: t.b.org.id, password: OWNER_PASSWORD } })],
  ["listRecentActivity", (t, actor) => listRecentActivity({ actor, orgId: t.b.org.id })],
];

// Calls that pass A's orgId (which A's owner may act in) with the id of one of B's resources.
const attacksThroughOrgA: Attack[] = [
  ["getProjectOrThrow", (t, actor) => getProjectOrThrow({ actor, orgId: t.a.org.id, projectId: t.projectB.id })],
  ["renameProject", (t, actor) => renameProject({ actor, input: { orgId: t.a.org.id, projectId: t.projectB.id, name: "Pwned" } })],
  ["setProjectArchived", (t, actor) => setProjectArchived({ actor, input: { orgId: t.a.org.id, projectId: t.projectB.id, archived: true } })],
  ["getTaskOrThrow", (t, actor) => getTaskOrThrow({ actor, orgId: t.a.org.id, projectId: t.projectB.id, taskId: t.taskB.id })],
  ["createTask in B's project", (t, actor) => createTask({ actor, input: { orgId: t.a.org.id, projectId: t.projectB.id, title: "Planted" } })],
  ["updateTask", (t, actor) => updateTask({ actor, input: { orgId: t.a.org.id, taskId: t.taskB.id, status: "done" } })],
  ["deleteTask", (t, actor) => deleteTask({ actor, input: { orgId: t.a.org.id, taskId: t.taskB.id } })],
  ["createComment on B's task", (t, actor) => createComment({ actor, input: { orgId: t.a.org.id, taskId: t.taskB.id, body: "Planted" } })],
  ["updateComment of B's comment", (t, actor) => updateComment({ actor, input: { orgId: t.a.org.id, commentId: t.commentB.id, body: "Pwned" } })],
  ["deleteComment of B's comment", (t, actor) => deleteComment({ actor, input: { orgId: t.a.org.id, commentId: t.commentB.id } })],
  ["changeMemberRole of B's member", (t, actor) => changeMemberRole({ actor, input: { orgId: t.a.org.id, userId: t.b.member.id, role: "member" } })],
  ["removeMember of B's member", (t, actor) => removeMember({ actor, input: { orgId: t.a.org.id, userId: t.b.owner.id } })],
  ["revokeInvitation of B's invitation", (t, actor) => revokeInvitation({ actor, input: { orgId: t.a.org.id, invitationId: t.invitationB.id } })],
];

describe("cross-tenant isolation", () => {
  let t: Tenants;
  beforeAll(async () => {
    t = await setUpTenants();
  });

  describe.each([
    ["org A's owner", (x: Tenants) => x.a.actors.owner],
    ["a user in no organization", (x: Tenants) => x.outsider],
  ])("%s naming org B", (_who, actorOf) => {
    it.each(attacksOnOrgB)("%s is not_found and changes nothing", async (_name, run) => {
      const before = await snapshotOrg(t.b.org.id);
      await expect(run(t, actorOf(t))).rejects.toMatchObject({ name: "AppError", code: "not_found" });
      expect(await snapshotOrg(t.b.org.id)).toEqual(before);
    });
  });

  describe("org A's owner passing A's orgId with B's ids", () => {
    it.each(attacksThroughOrgA)("%s is not_found and changes nothing", async (_name, run) => {
      const beforeA = await snapshotOrg(t.a.org.id);
      const beforeB = await snapshotOrg(t.b.org.id);
      await expect(run(t, t.a.actors.owner)).rejects.toMatchObject({ name: "AppError", code: "not_found" });
      expect(await snapshotOrg(t.b.org.id)).toEqual(beforeB);
      expect(await snapshotOrg(t.a.org.id)).toEqual(beforeA);
    });

    it("listTasks of B's project under A's orgId shows nothing of B", async () => {
      const page = await listTasks({ actor: t.a.actors.owner, orgId: t.a.org.id, projectId: t.projectB.id, filters: {} });
      expect(page.items).toEqual([]);
      // The same call with A's own project does list A's task, so the empty page above is the tenant filter at work.
      const own = await listTasks({ actor: t.a.actors.owner, orgId: t.a.org.id, projectId: t.projectA.id, filters: {} });
      expect(own.items.map((i) => i.id)).toEqual([t.taskA.id]);
    });

    it("listTaskComments of B's task under A's orgId shows nothing of B", async () => {
      const page = await listTaskComments({ actor: t.a.actors.owner, orgId: t.a.org.id, taskId: t.taskB.id });
      expect(page.items).toEqual([]);
    });

    it("cannot assign one of A's tasks to a member of B", async () => {
      const before = await snapshotOrg(t.a.org.id);
      await expect(
        updateTask({ actor: t.a.actors.owner, input: { orgId: t.a.org.id, taskId: t.taskA.id, assigneeId: t.b.member.id } }),
      ).rejects.toMatchObject({ code: "invalid_input" });
      expect(await snapshotOrg(t.a.org.id)).toEqual(before);
    });
  });

  it("B's invitation token cannot be used by a user of A (its address is not theirs)", async () => {
    const before = await snapshotOrg(t.b.org.id);
    await expect(acceptInvitation({ actor: t.a.actors.owner, token: t.invitationB.token })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await snapshotOrg(t.b.org.id)).toEqual(before);
  });

  it("looking up B by slug as a non-member finds nothing, as for a missing org", async () => {
    expect(await findOrgForMember(t.a.owner.id, t.b.org.slug)).toBeNull();
    expect(await findOrgForMember(t.outsider.userId, t.b.org.slug)).toBeNull();
    expect(await findOrgForMember(t.b.member.id, t.b.org.slug)).toMatchObject({ org: { id: t.b.org.id }, role: "member" });
  });

  it("org B's own owner still sees all of B afterwards", async () => {
    const actor = t.b.actors.owner;
    expect((await listProjects({ actor, orgId: t.b.org.id })).map((p) => p.name)).toEqual(["B's secret project"]);
    const tasks = await listTasks({ actor, orgId: t.b.org.id, projectId: t.projectB.id, filters: {} });
    expect(tasks.items.map((i) => i.title)).toEqual(["B's secret task"]);
    expect((await listOpenInvitations({ actor, orgId: t.b.org.id })).map((i) => i.id)).toEqual([t.invitationB.id]);
    expect(await listMembers({ actor, orgId: t.b.org.id })).toHaveLength(3);
    const comments = await listTaskComments({ actor, orgId: t.b.org.id, taskId: t.taskB.id });
    expect(comments.items.map((c) => c.body)).toEqual(["B's secret comment"]);
  });
});
