import { and, eq } from "drizzle-orm";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { invitations, projects, taskComments, tasks } from "@/db/schema";
import { createComment, deleteComment, listTaskComments, updateComment } from "@/lib/comments/comments";
import { listRecentActivity } from "@/lib/activity/list-activity";
import { getDb } from "@/lib/db/client";
import { createInvitation, listOpenInvitations, revokeInvitation } from "@/lib/orgs/invitations";
import { changeMemberRole, listMembers, removeMember } from "@/lib/orgs/members";
import { can, canManageRole, orgPermissions, roles, type Permission, type Role } from "@/lib/orgs/permissions";
import { requireMembership, requirePermission, type Actor } from "@/lib/orgs/require-permission";
import { projectPermissions } from "@/lib/projects/permissions";
import { deleteOrganization } from "@/lib/orgs/delete-organization";
import { updateOrganization } from "@/lib/orgs/update-organization";
import { createProject, getOrgStats, listProjects, renameProject, setProjectArchived } from "@/lib/projects/projects";
import { createTask, deleteTask, listTasks, updateTask } from "@/lib/projects/tasks";
import {
  addMember,
  createInvitationFor,
  createOrgWithRoles,
  createProjectFor,
  createTaskFor,
  createUser,
  getInvitationRow,
  getMembershipRole,
  getOrgRow,
  getProjectRow,
  getTaskRow,
  isMember,
  setUserPassword,
  unique,
  uniqueEmail,
} from "@/lib/testing/factories";

// Every module's permissions (lib/<module>/permissions.ts, each a definePermissions table), found on disk: a module
// that adds one is in the matrix below, or this test fails.
async function definedPermissions(): Promise<Map<string, Permission>> {
  const found = new Map<string, Permission>();
  for (const dir of readdirSync("lib")) {
    if (!existsSync(`lib/${dir}/permissions.ts`)) continue;
    const exported = (await import(/* @vite-ignore */ path.resolve(`lib/${dir}/permissions.ts`))) as Record<string, unknown>;
    for (const table of Object.values(exported)) {
      if (typeof table !== "object" || table === null) continue;
      for (const [key, value] of Object.entries(table)) {
        if (typeof value === "object" && value !== null && "key" in value && "roles" in value) found.set(key, value as Permission);
      }
    }
  }
  return found;
}
const permissions = await definedPermissions();

// The matrix, written out by hand: a change to a module's permissions.ts must be mirrored here on purpose.
const O = true;
const X = false;
const expectedMatrix: Record<string, Record<Role, boolean>> = {
  "org:read":               { owner: O, admin: O, member: O },
  "org:update":             { owner: O, admin: O, member: X },
  "org:delete":             { owner: O, admin: X, member: X },
  "org:transfer-ownership": { owner: O, admin: X, member: X },
  "billing:manage":         { owner: O, admin: X, member: X },
  "member:list":            { owner: O, admin: O, member: O },
  "member:change-role":     { owner: O, admin: O, member: X },
  "member:remove":          { owner: O, admin: O, member: X },
  "invitation:list":        { owner: O, admin: O, member: X },
  "invitation:create":      { owner: O, admin: O, member: X },
  "invitation:revoke":      { owner: O, admin: O, member: X },
  "project:read":           { owner: O, admin: O, member: O },
  "project:create":         { owner: O, admin: O, member: O },
  "project:update":         { owner: O, admin: O, member: X },
  "project:archive":        { owner: O, admin: O, member: X },
  "task:read":              { owner: O, admin: O, member: O },
  "task:create":            { owner: O, admin: O, member: O },
  "task:update":            { owner: O, admin: O, member: O },
  "task:delete":            { owner: O, admin: O, member: X },
  "comment:read":           { owner: O, admin: O, member: O },
  "comment:create":         { owner: O, admin: O, member: O },
  "comment:delete-any":     { owner: O, admin: O, member: X },
  "activity:read":          { owner: O, admin: O, member: O },
  "import:create":          { owner: O, admin: O, member: X },
  "report:request":         { owner: O, admin: O, member: O },
};

const matrixCells = Object.entries(expectedMatrix).flatMap(([permission, verdicts]) =>
  roles.map((role) => [role, verdicts[role] ? "may" : "may not", permission] as const),
);

describe("role matrix (can)", () => {
  it("covers exactly the permissions the app defines", () => {
    expect([...permissions.keys()].sort()).toEqual(Object.keys(expectedMatrix).sort());
    expect(permissions.get("org:delete")).toBe(orgPermissions["org:delete"]);
    expect([...roles]).toEqual(["owner", "admin", "member"]);
  });

  it.each(matrixCells)("%s %s %s", (role, verdict, permission) => {
    expect(can(role, permissions.get(permission)!)).toBe(verdict === "may");
  });
});

describe("canManageRole", () => {
  // [actor role, target's current role (undefined: a new invitee), new role (undefined: removal), expected]
  const cases: [Role, Role | undefined, Role | undefined, boolean][] = [
    ["owner", "owner", "member", true],
    ["owner", "owner", undefined, true],
    ["owner", "member", "owner", true],
    ["owner", "admin", "member", true],
    ["owner", undefined, "owner", true],
    ["admin", "member", "admin", true],
    ["admin", "admin", "member", true],
    ["admin", "member", undefined, true],
    ["admin", "admin", undefined, true],
    ["admin", undefined, "admin", true],
    ["admin", undefined, "member", true],
    ["admin", "owner", "member", false],
    ["admin", "owner", "admin", false],
    ["admin", "owner", undefined, false],
    ["admin", "member", "owner", false],
    ["admin", "admin", "owner", false],
    ["admin", undefined, "owner", false],
    ["member", "member", "admin", false],
    ["member", "member", undefined, false],
    ["member", undefined, "member", false],
    ["member", "admin", "member", false],
  ];
  it.each(cases)("%s managing %s -> %s: %s", (actorRole, target, newRole, expected) => {
    expect(canManageRole(actorRole, target, newRole)).toBe(expected);
  });
});

describe("requirePermission", () => {
  it("returns the actor's role when it grants the permission", async () => {
    const { org, actors } = await createOrgWithRoles();
    await expect(requirePermission(actors.admin, org.id, projectPermissions["project:update"])).resolves.toBe("admin");
    await expect(requireMembership(actors.member, org.id)).resolves.toBe("member");
  });

  it("is forbidden for a member whose role lacks the permission", async () => {
    const { org, actors } = await createOrgWithRoles();
    await expect(requirePermission(actors.member, org.id, projectPermissions["project:update"])).rejects.toMatchObject({ code: "forbidden" });
    await expect(requirePermission(actors.admin, org.id, orgPermissions["org:delete"])).rejects.toMatchObject({ code: "forbidden" });
  });

  it("is not_found for a non-member, even for a permission everyone has, so the org's existence stays hidden", async () => {
    const { org } = await createOrgWithRoles();
    const outsider = await createUser();
    await expect(requirePermission({ userId: outsider.id }, org.id, orgPermissions["org:read"])).rejects.toMatchObject({ code: "not_found" });
    await expect(requireMembership({ userId: outsider.id }, org.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

const projectNamesOf = async (orgId: string) =>
  (await getDb().select({ name: projects.name }).from(projects).where(eq(projects.orgId, orgId))).map((r) => r.name);
const taskTitlesOf = async (projectId: string) =>
  (await getDb().select({ title: tasks.title }).from(tasks).where(eq(tasks.projectId, projectId))).map((r) => r.title);
const commentBodiesOf = async (taskId: string) =>
  (await getDb().select({ body: taskComments.body }).from(taskComments).where(eq(taskComments.taskId, taskId))).map((r) => r.body);
/** A comment on a new task by a fourth member of the org: someone none of the three roles under test is. */
async function commentByAnother(orgId: string, ownerId: string) {
  const author = await createUser();
  await addMember(orgId, author.id, "member");
  const project = await createProjectFor(orgId, ownerId);
  const task = await createTaskFor(orgId, project.id, ownerId);
  const comment = await createComment({ actor: { userId: author.id }, input: { orgId, taskId: task.id, body: "By another" } });
  return { task, commentId: comment.id };
}
const invitationRolesTo = async (orgId: string, email: string) =>
  (
    await getDb()
      .select({ role: invitations.role })
      .from(invitations)
      .where(and(eq(invitations.orgId, orgId), eq(invitations.email, email)))
  ).map((r) => r.role);

// Every service action, called for real by each role. `arrange` prepares what the action needs in a fresh org and
// returns the call plus a probe that tells whether the action took effect (absent for reads).
type World = Awaited<ReturnType<typeof createOrgWithRoles>>;
type Arranged = { act: (actor: Actor) => Promise<unknown>; tookEffect?: () => Promise<boolean> };
type ServiceCase = { action: string; allowed: Record<Role, boolean>; arrange: (world: World) => Promise<Arranged> };

const serviceCases: ServiceCase[] = [
  {
    action: "list projects",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      await createProjectFor(org.id, owner.id, "Visible");
      return {
        act: async (actor) => expect((await listProjects({ actor, orgId: org.id })).map((p) => p.name)).toEqual(["Visible"]),
      };
    },
  },
  {
    action: "create a project",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org }) => {
      const name = `P ${unique()}`;
      return {
        act: (actor) => createProject({ actor, input: { orgId: org.id, name } }),
        tookEffect: async () => (await projectNamesOf(org.id)).includes(name),
      };
    },
  },
  {
    action: "rename a project",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id, "Before");
      return {
        act: (actor) => renameProject({ actor, input: { orgId: org.id, projectId: project.id, name: "After" } }),
        tookEffect: async () => (await getProjectRow(project.id))?.name === "After",
      };
    },
  },
  {
    action: "archive a project",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      return {
        act: (actor) => setProjectArchived({ actor, input: { orgId: org.id, projectId: project.id, archived: true } }),
        tookEffect: async () => (await getProjectRow(project.id))?.archivedAt != null,
      };
    },
  },
  {
    action: "list tasks",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      await createTaskFor(org.id, project.id, owner.id, "Visible task");
      return {
        act: async (actor) => {
          const page = await listTasks({ actor, orgId: org.id, projectId: project.id, filters: {} });
          expect(page.items.map((t) => t.title)).toEqual(["Visible task"]);
        },
      };
    },
  },
  {
    action: "create a task",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      return {
        act: (actor) => createTask({ actor, input: { orgId: org.id, projectId: project.id, title: "New" } }),
        tookEffect: async () => (await taskTitlesOf(project.id)).includes("New"),
      };
    },
  },
  {
    action: "update a task",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      const task = await createTaskFor(org.id, project.id, owner.id);
      return {
        act: (actor) => updateTask({ actor, input: { orgId: org.id, taskId: task.id, status: "done" } }),
        tookEffect: async () => (await getTaskRow(task.id))?.status === "done",
      };
    },
  },
  {
    action: "delete a task",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      const task = await createTaskFor(org.id, project.id, owner.id);
      return {
        act: (actor) => deleteTask({ actor, input: { orgId: org.id, taskId: task.id } }),
        tookEffect: async () => (await getTaskRow(task.id)) === undefined,
      };
    },
  },
  {
    action: "list a task's comments",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      const task = await createTaskFor(org.id, project.id, owner.id);
      await createComment({ actor: { userId: owner.id }, input: { orgId: org.id, taskId: task.id, body: "Visible comment" } });
      return {
        act: async (actor) => expect((await listTaskComments({ actor, orgId: org.id, taskId: task.id })).items.map((c) => c.body)).toEqual(["Visible comment"]),
      };
    },
  },
  {
    action: "comment on a task",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      const project = await createProjectFor(org.id, owner.id);
      const task = await createTaskFor(org.id, project.id, owner.id);
      return {
        act: (actor) => createComment({ actor, input: { orgId: org.id, taskId: task.id, body: "New comment" } }),
        tookEffect: async () => (await commentBodiesOf(task.id)).includes("New comment"),
      };
    },
  },
  {
    // Editing is the author's alone: no role edits someone else's comment (comments.test.ts: the author may).
    action: "edit another member's comment",
    allowed: { owner: X, admin: X, member: X },
    arrange: async ({ org, owner }) => {
      const { task, commentId } = await commentByAnother(org.id, owner.id);
      return {
        act: (actor) => updateComment({ actor, input: { orgId: org.id, commentId, body: "Edited" } }),
        tookEffect: async () => (await commentBodiesOf(task.id)).includes("Edited"),
      };
    },
  },
  {
    action: "delete another member's comment",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org, owner }) => {
      const { task } = await commentByAnother(org.id, owner.id);
      const [comment] = await getDb().select({ id: taskComments.id }).from(taskComments).where(eq(taskComments.taskId, task.id));
      return {
        act: (actor) => deleteComment({ actor, input: { orgId: org.id, commentId: comment!.id } }),
        tookEffect: async () => (await commentBodiesOf(task.id)).length === 0,
      };
    },
  },
  {
    action: "list members",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org }) => ({
      act: async (actor) => expect(await listMembers({ actor, orgId: org.id })).toHaveLength(3),
    }),
  },
  {
    action: "read activity",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org, owner }) => {
      await createProjectFor(org.id, owner.id);
      return { act: async (actor) => expect(await listRecentActivity({ actor, orgId: org.id })).not.toHaveLength(0) };
    },
  },
  {
    action: "read dashboard stats",
    allowed: { owner: O, admin: O, member: O },
    arrange: async ({ org }) => ({
      act: async (actor) => expect(await getOrgStats({ actor, orgId: org.id })).toMatchObject({ members: 3 }),
    }),
  },
  {
    action: "list open invitations",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org, owner }) => {
      const { email } = await createInvitationFor(org.id, owner.id);
      return {
        act: async (actor) => expect((await listOpenInvitations({ actor, orgId: org.id })).map((i) => i.email)).toEqual([email]),
      };
    },
  },
  {
    action: "invite a member",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org }) => {
      const email = uniqueEmail("invitee");
      return {
        act: (actor) => createInvitation({ actor, input: { orgId: org.id, email, role: "member" } }),
        tookEffect: async () => (await invitationRolesTo(org.id, email)).includes("member"),
      };
    },
  },
  {
    action: "invite an owner",
    allowed: { owner: O, admin: X, member: X },
    arrange: async ({ org }) => {
      const email = uniqueEmail("invitee");
      return {
        act: (actor) => createInvitation({ actor, input: { orgId: org.id, email, role: "owner" } }),
        tookEffect: async () => (await invitationRolesTo(org.id, email)).includes("owner"),
      };
    },
  },
  {
    action: "revoke an invitation",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org, owner }) => {
      const invitation = await createInvitationFor(org.id, owner.id);
      return {
        act: (actor) => revokeInvitation({ actor, input: { orgId: org.id, invitationId: invitation.id } }),
        tookEffect: async () => (await getInvitationRow(invitation.id))?.revokedAt != null,
      };
    },
  },
  {
    action: "promote another member to admin",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org }) => {
      const target = await createUser();
      await addMember(org.id, target.id, "member");
      return {
        act: (actor) => changeMemberRole({ actor, input: { orgId: org.id, userId: target.id, role: "admin" } }),
        tookEffect: async () => (await getMembershipRole(org.id, target.id)) === "admin",
      };
    },
  },
  {
    action: "promote another member to owner",
    allowed: { owner: O, admin: X, member: X },
    arrange: async ({ org }) => {
      const target = await createUser();
      await addMember(org.id, target.id, "member");
      return {
        act: (actor) => changeMemberRole({ actor, input: { orgId: org.id, userId: target.id, role: "owner" } }),
        tookEffect: async () => (await getMembershipRole(org.id, target.id)) === "owner",
      };
    },
  },
  {
    action: "demote a co-owner",
    allowed: { owner: O, admin: X, member: X },
    arrange: async ({ org }) => {
      // A second owner, so the last-owner rule is not what decides.
      const target = await createUser();
      await addMember(org.id, target.id, "owner");
      return {
        act: (actor) => changeMemberRole({ actor, input: { orgId: org.id, userId: target.id, role: "member" } }),
        tookEffect: async () => (await getMembershipRole(org.id, target.id)) === "member",
      };
    },
  },
  {
    action: "remove another member",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org }) => {
      const target = await createUser();
      await addMember(org.id, target.id, "member");
      return {
        act: (actor) => removeMember({ actor, input: { orgId: org.id, userId: target.id } }),
        tookEffect: async () => !(await isMember(org.id, target.id)),
      };
    },
  },
  {
    action: "remove another admin",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org }) => {
      const target = await createUser();
      await addMember(org.id, target.id, "admin");
      return {
        act: (actor) => removeMember({ actor, input: { orgId: org.id, userId: target.id } }),
        tookEffect: async () => !(await isMember(org.id, target.id)),
      };
    },
  },
  {
    action: "remove a co-owner",
    allowed: { owner: O, admin: X, member: X },
    arrange: async ({ org }) => {
      const target = await createUser();
      await addMember(org.id, target.id, "owner");
      return {
        act: (actor) => removeMember({ actor, input: { orgId: org.id, userId: target.id } }),
        tookEffect: async () => !(await isMember(org.id, target.id)),
      };
    },
  },
  {
    action: "update the organization",
    allowed: { owner: O, admin: O, member: X },
    arrange: async ({ org }) => {
      const slug = `renamed-${unique()}`;
      return {
        act: (actor) => updateOrganization({ actor, input: { orgId: org.id, name: "Renamed", slug } }),
        tookEffect: async () => (await getOrgRow(org.id))?.slug === slug,
      };
    },
  },
  {
    action: "delete the organization",
    allowed: { owner: O, admin: X, member: X },
    arrange: async ({ org, owner }) => {
      await setUserPassword(owner.id, "owner-password-1");
      return {
        act: (actor) => deleteOrganization({ actor, input: { orgId: org.id, password: "owner-password-1" } }),
        tookEffect: async () => Boolean((await getOrgRow(org.id))?.deletedAt),
      };
    },
  },
];

const serviceCells = serviceCases.flatMap(({ action, allowed, arrange }) =>
  roles.map((role) => [role, allowed[role] ? "may" : "may not", action, arrange] as const),
);

describe("services enforce the matrix", () => {
  it.each(serviceCells)("%s %s %s", async (role, verdict, _action, arrange) => {
    const isAllowed = verdict === "may";
    const world = await createOrgWithRoles();
    const { act, tookEffect } = await arrange(world);
    if (isAllowed) {
      await act(world.actors[role]);
      if (tookEffect) expect(await tookEffect()).toBe(true);
    } else {
      await expect(act(world.actors[role])).rejects.toMatchObject({ name: "AppError", code: "forbidden" });
      if (tookEffect) expect(await tookEffect()).toBe(false);
    }
  });
});
