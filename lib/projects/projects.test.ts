import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listRecentActivity } from "@/lib/activity/list-activity";
import { getDb } from "@/lib/db/client";
import {
  createProject,
  getOrgStats,
  getProjectOrThrow,
  listProjects,
  renameProject,
  setProjectArchived,
} from "@/lib/projects/projects";
import { createTask, deleteTask, updateTask } from "@/lib/projects/tasks";
import {
  activityOf,
  addMember,
  createOrg,
  createOrgWithRoles,
  createProjectFor,
  createTaskFor,
  createUser,
  getProjectRow,
} from "@/lib/testing/factories";

describe("projects", () => {
  it("creates a project with a trimmed name, owned by its creator", async () => {
    const { org, member, actors } = await createOrgWithRoles();
    const project = await createProject({ actor: actors.member, input: { orgId: org.id, name: "  Launch  " } });
    expect(project.name).toBe("Launch");
    expect(await getProjectRow(project.id)).toMatchObject({ orgId: org.id, name: "Launch", createdById: member.id, archivedAt: null });
    expect(await getProjectOrThrow({ actor: actors.member, orgId: org.id, projectId: project.id })).toMatchObject({
      id: project.id,
      name: "Launch",
    });
  });

  it.each([
    ["an empty name", { name: "   " }, "name"],
    ["a name over 80 characters", { name: "x".repeat(81) }, "name"],
    ["a malformed org id", { orgId: "not-a-uuid" }, "orgId"],
  ])("rejects %s as invalid_input", async (_label, overrides, field) => {
    const { org, actors } = await createOrgWithRoles();
    await expect(
      createProject({ actor: actors.owner, input: { orgId: org.id, name: "Fine", ...overrides } }),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { [field]: expect.any(Array) } });
    expect(await listProjects({ actor: actors.owner, orgId: org.id })).toEqual([]);
  });

  it("renames a project", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id, "Old name");
    await renameProject({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, name: "New name" } });
    expect((await getProjectOrThrow({ actor: actors.member, orgId: org.id, projectId: project.id })).name).toBe("New name");
  });

  it("archives a project out of the default list and back", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const kept = await createProjectFor(org.id, owner.id, "Kept");
    const shelved = await createProjectFor(org.id, owner.id, "Shelved");
    const names = async (archived: boolean) =>
      (await listProjects({ actor: actors.member, orgId: org.id, archived })).map((p) => p.name);

    await setProjectArchived({ actor: actors.admin, input: { orgId: org.id, projectId: shelved.id, archived: true } });
    expect(await names(false)).toEqual(["Kept"]);
    expect(await names(true)).toEqual(["Shelved"]);
    expect((await getProjectRow(shelved.id))!.archivedAt).toBeInstanceOf(Date);

    // Forms send the flag as a string.
    await setProjectArchived({ actor: actors.admin, input: { orgId: org.id, projectId: shelved.id, archived: "false" } });
    expect(await names(false)).toEqual(["Shelved", "Kept"]);
    expect(await names(true)).toEqual([]);
    expect((await getProjectRow(kept.id))!.archivedAt).toBeNull();
  });

  it("an archived project refuses new tasks until it is restored", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: true } });

    await expect(
      createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "Too late" } }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await listProjects({ actor: actors.owner, orgId: org.id, archived: true })).toEqual([
      expect.objectContaining({ id: project.id, taskCount: 0 }),
    ]);

    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: false } });
    await createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "Now fine" } });
    expect((await listProjects({ actor: actors.owner, orgId: org.id }))[0]).toMatchObject({ id: project.id, taskCount: 1 });
  });

  it("rename and archive of an unknown project are not_found", async () => {
    const { org, actors } = await createOrgWithRoles();
    const projectId = "00000000-0000-4000-8000-000000000000";
    await expect(renameProject({ actor: actors.owner, input: { orgId: org.id, projectId, name: "x" } })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId, archived: true } }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(getProjectOrThrow({ actor: actors.owner, orgId: org.id, projectId })).rejects.toMatchObject({ code: "not_found" });
    expect(await activityOf(org.id)).toEqual([]);
  });

  it("lists projects newest first with their total and open task counts", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const busy = await createProjectFor(org.id, owner.id, "Busy");
    const empty = await createProjectFor(org.id, owner.id, "Empty");
    const tasks = [];
    for (let i = 0; i < 4; i++) tasks.push(await createTaskFor(org.id, busy.id, owner.id));
    await updateTask({ actor: actors.owner, input: { orgId: org.id, taskId: tasks[0]!.id, status: "done" } });
    await updateTask({ actor: actors.owner, input: { orgId: org.id, taskId: tasks[1]!.id, status: "in_progress" } });
    // Another org's tasks never count.
    const other = await createOrgWithRoles();
    const otherProject = await createProjectFor(other.org.id, other.owner.id, "Busy");
    await createTaskFor(other.org.id, otherProject.id, other.owner.id);

    const list = await listProjects({ actor: actors.member, orgId: org.id });
    expect(list.map(({ id, name, taskCount, openTaskCount }) => ({ id, name, taskCount, openTaskCount }))).toEqual([
      { id: empty.id, name: "Empty", taskCount: 0, openTaskCount: 0 },
      { id: busy.id, name: "Busy", taskCount: 4, openTaskCount: 3 },
    ]);
  });
});

describe("project and task activity", () => {
  it("records an event for each write, readable newest first with the actor's name", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProject({ actor: actors.member, input: { orgId: org.id, name: "Roadmap" } });
    await renameProject({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, name: "Roadmap 2" } });
    const task = await createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "Draft" } });
    await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: task.id, status: "done" } });
    await deleteTask({ actor: actors.admin, input: { orgId: org.id, taskId: task.id } });
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: true } });
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: false } });

    const activity = await listRecentActivity({ actor: actors.member, orgId: org.id });
    expect(activity.map((e) => [e.type, e.actorName, e.subjectId])).toEqual([
      ["project.unarchived", "Olivia Owner", project.id],
      ["project.archived", "Olivia Owner", project.id],
      ["task.deleted", "Adam Admin", task.id],
      ["task.updated", "Mia Member", task.id],
      ["task.created", "Mia Member", task.id],
      ["project.renamed", "Adam Admin", project.id],
      ["project.created", "Mia Member", project.id],
    ]);
    expect(activity.find((e) => e.type === "project.renamed")!.data).toEqual({ from: "Roadmap", to: "Roadmap 2" });
    expect(activity.find((e) => e.type === "task.updated")!.data).toMatchObject({ changes: { status: "done" } });
    expect(activity.find((e) => e.type === "task.deleted")!.data).toEqual({ title: "Draft", projectId: project.id });

    expect((await listRecentActivity({ actor: actors.member, orgId: org.id, limit: 2 })).map((e) => e.type)).toEqual([
      "project.unarchived",
      "project.archived",
    ]);
    // The page size is clamped to 1..100.
    expect(await listRecentActivity({ actor: actors.member, orgId: org.id, limit: 0 })).toHaveLength(1);
  });

  it("a refused write records nothing", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const before = await activityOf(org.id);
    await expect(
      renameProject({ actor: actors.member, input: { orgId: org.id, projectId: project.id, name: "Nope" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: true } });
    await expect(
      createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Nope" } }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect((await activityOf(org.id)).map((e) => e.type)).toEqual([...before.map((e) => e.type), "project.archived"]);
  });

  it("the activity log is append-only: rows cannot be updated, even with raw SQL", async () => {
    const { org, owner } = await createOrgWithRoles();
    await createProjectFor(org.id, owner.id, "Fact");
    const before = await activityOf(org.id);
    expect(before).toHaveLength(1);

    // drizzle wraps the driver's error; the trigger's message is on its cause.
    await expect(getDb().execute(sql`update activity_events set type = 'x' where org_id = ${org.id}`)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/append-only/) },
    });

    expect(await activityOf(org.id)).toEqual(before);
  });
});

describe("getOrgStats", () => {
  it("counts active projects, tasks by status, and members", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const a = await createProjectFor(org.id, owner.id);
    const b = await createProjectFor(org.id, owner.id);
    await createProjectFor(org.id, owner.id).then((p) =>
      setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: p.id, archived: true } }),
    );
    const statuses = ["todo", "todo", "todo", "in_progress", "in_progress", "done"] as const;
    for (const [i, status] of statuses.entries()) {
      await createTask({ actor: actors.member, input: { orgId: org.id, projectId: i % 2 ? a.id : b.id, title: `T${i}`, status } });
    }
    // Another org's rows never count.
    const other = await createOrgWithRoles();
    const otherProject = await createProjectFor(other.org.id, other.owner.id);
    await createTaskFor(other.org.id, otherProject.id, other.owner.id);

    expect(await getOrgStats({ actor: actors.member, orgId: org.id })).toEqual({
      projects: 2,
      todo: 3,
      inProgress: 2,
      done: 1,
      members: 3,
    });
  });

  it("is all zeros for a new organization except its one member", async () => {
    const org = await createOrg();
    const owner = await createUser();
    await addMember(org.id, owner.id, "owner");
    expect(await getOrgStats({ actor: { userId: owner.id }, orgId: org.id })).toEqual({
      projects: 0,
      todo: 0,
      inProgress: 0,
      done: 0,
      members: 1,
    });
  });
});

describe("listProjects paging", () => {
  it("pages newest first with keyset cursors, without gaps or repeats, and rejects a forged cursor", async () => {
    const { org, actors } = await createOrgWithRoles();
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      names.push(`P${i}`);
      await createProject({ actor: actors.owner, input: { orgId: org.id, name: `P${i}` } });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const items = await listProjects({ actor: actors.member, orgId: org.id, cursor, limit: 2 });
      seen.push(...items.map((p) => p.name));
      if (items.length < 2) break;
      cursor = items.at(-1)!.cursor;
    }
    // Pages of 2 walk the same order as one page of all: newest first (projects created within the clock's resolution
    // tie on created_at and are ordered by id), each project exactly once.
    const all = (await listProjects({ actor: actors.member, orgId: org.id, limit: 100 })).map((p) => p.name);
    expect(seen).toEqual(all);
    expect([...seen].sort()).toEqual([...names].sort());
    await expect(listProjects({ actor: actors.member, orgId: org.id, cursor: "bm9wZQ" })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
