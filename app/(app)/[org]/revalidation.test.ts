import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CurrentUser } from "@/lib/auth/current-user";
import { revalidateOrgPages } from "@/lib/server-action";
import { createInvitationFor, createOrgWithRoles, createProjectFor, createTaskFor, uniqueEmail } from "@/lib/testing/factories";
import { setEventSenderForTests } from "@/lib/testing/jobs";
import { importTasksAction, requestReportAction } from "./data/actions";
import { changeMemberRoleAction, createInvitationAction, revokeInvitationAction } from "./members/actions";
import {
  archiveProjectAction,
  createProjectAction,
  createTaskAction,
  deleteTaskAction,
  renameProjectAction,
  updateTaskAction,
} from "./projects/actions";

// The actions decide what they revalidate: a `path` (or any other field) in the submitted form never reaches
// revalidatePath. Next's revalidatePath and the session are stubbed; the services and the database are real.

const revalidated = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/cache")>()),
  revalidatePath: (path: string) => void revalidated.paths.push(path),
}));
const session = vi.hoisted(() => ({ user: null as CurrentUser | null }));
vi.mock("@/lib/auth/current-user", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/current-user")>()),
  getCurrentUser: async () => session.user,
}));

beforeEach(() => {
  revalidated.paths = [];
  setEventSenderForTests(async () => {});
});
afterEach(() => {
  session.user = null;
  setEventSenderForTests(undefined);
});

const asUser = (user: { id: string; email: string; name: string | null }) => {
  session.user = { ...user, emailVerified: new Date(), isPlatformAdmin: false };
};

function form(fields: Record<string, string>) {
  const data = new FormData();
  // What an attacker would submit: paths of another tenant, of the app's own pages, of nothing.
  data.set("path", "/victim-org/settings");
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

function withFile(data: FormData) {
  data.set("file", new File(["title\nImported\n"], "tasks.csv", { type: "text/csv" }));
  return data;
}

describe("what server actions revalidate", () => {
  it("each action revalidates the pages it names, under the org's own slug, whatever path the form carries", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id, "Roadmap");
    const task = await createTaskFor(org.id, project.id, owner.id);
    const s = `/${org.slug}`;
    const p = `${s}/projects/${project.id}`;

    asUser(owner);
    const cases: [string, () => Promise<unknown>, string[]][] = [
      ["createProject", () => createProjectAction(null, form({ orgId: org.id, name: "Launch" })), [s, `${s}/projects`]],
      ["renameProject", () => renameProjectAction(null, form({ orgId: org.id, projectId: project.id, name: "Roadmap 2" })), [`${s}/projects`, p]],
      ["archiveProject", () => archiveProjectAction(null, form({ orgId: org.id, projectId: project.id, archived: "false" })), [s, `${s}/projects`, p]],
      ["createTask", () => createTaskAction(null, form({ orgId: org.id, projectId: project.id, title: "Write it" })), [s, p]],
      ["updateTask", () => updateTaskAction(null, form({ orgId: org.id, taskId: task.id, status: "done" })), [s, p, `${p}/tasks/${task.id}`]],
      ["deleteTask", () => deleteTaskAction(null, form({ orgId: org.id, taskId: task.id })), [s, p]],
      ["changeMemberRole", () => changeMemberRoleAction(null, form({ orgId: org.id, userId: member.id, role: "admin" })), [`${s}/members`]],
      ["requestReport", () => requestReportAction(null, form({ orgId: org.id, kind: "tasks" })), [`${s}/data`]],
      ["importTasks", () => importTasksAction(null, withFile(form({ orgId: org.id, projectId: project.id }))), [`${s}/data`]],
    ];
    for (const [name, run, expected] of cases) {
      revalidated.paths = [];
      expect(await run(), name).toMatchObject({ ok: true });
      expect(revalidated.paths, name).toEqual(expected);
    }

    revalidated.paths = [];
    const invited = await createInvitationAction(null, form({ orgId: org.id, email: uniqueEmail("inv"), role: "member" }));
    if (!invited?.ok) throw new Error(`the invitation was refused: ${JSON.stringify(invited)}`);
    const { id: invitationId } = invited.data;
    expect(await revokeInvitationAction(null, form({ orgId: org.id, invitationId }))).toMatchObject({ ok: true });
    expect(revalidated.paths).toEqual([`${s}/members`, `${s}/members`]);
  });

  it("a refused action revalidates nothing", async () => {
    const { org, owner } = await createOrgWithRoles();
    const other = await createOrgWithRoles();
    const { id: invitationId } = await createInvitationFor(other.org.id, other.owner.id);

    asUser(owner);
    expect(await createProjectAction(null, form({ orgId: other.org.id, name: "Not mine" }))).toMatchObject({ ok: false });
    expect(await revokeInvitationAction(null, form({ orgId: other.org.id, invitationId }))).toMatchObject({ ok: false });
    expect(await createTaskAction(null, form({ orgId: org.id, projectId: randomUUID(), title: "Nowhere" }))).toMatchObject({ ok: false });
    expect(revalidated.paths).toEqual([]);
  });
});

describe("revalidateOrgPages", () => {
  it("takes the slug from the user's own memberships and skips an org they are not in or a malformed id", async () => {
    const { org, member } = await createOrgWithRoles();
    const other = await createOrgWithRoles();
    const projectId = randomUUID();

    expect(await revalidateOrgPages(member, org.id, ["dashboard", "data", { project: projectId }])).toEqual([
      `/${org.slug}`,
      `/${org.slug}/data`,
      `/${org.slug}/projects/${projectId}`,
    ]);
    expect(await revalidateOrgPages(member, other.org.id, ["projects"])).toEqual([]);
    expect(await revalidateOrgPages(member, `/${org.slug}/../admin`, ["projects"])).toEqual([]);
    expect(await revalidateOrgPages(member, org.id, [{ project: "../../settings" }, { project: ["x"] }])).toEqual([]);
    expect(await revalidateOrgPages(member, org.id, [{ path: `/projects/${projectId}/tasks/${projectId}` }])).toEqual([
      `/${org.slug}/projects/${projectId}/tasks/${projectId}`,
    ]);
    for (const path of ["/../admin", "projects", "//evil.example", "/projects/a?b", "/projects/", ""]) {
      expect(await revalidateOrgPages(member, org.id, [{ path }]), path).toEqual([]);
    }
    expect(revalidated.paths).toEqual([
      `/${org.slug}`,
      `/${org.slug}/data`,
      `/${org.slug}/projects/${projectId}`,
      `/${org.slug}/projects/${projectId}/tasks/${projectId}`,
    ]);
  });
});
