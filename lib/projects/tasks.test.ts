import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { organizations, outboxEvents } from "@/db/schema";
import { removeMember } from "@/lib/orgs/members";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { addMember, createOrg, createOrgWithRoles, createProjectFor, createUser, getTaskRow } from "@/lib/testing/factories";
import { setProjectArchived } from "@/lib/projects/projects";
import { createTask, deleteTask, getTaskOrThrow, listTasks, updateTask } from "@/lib/projects/tasks";

describe("tasks", () => {
  it("reads one task with its project and people, and only under its own org and project", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id, "Launch");
    const otherProject = await createProjectFor(org.id, owner.id);
    const task = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Ship", assigneeId: member.id, dueOn: "2026-12-31" } });
    expect(await getTaskOrThrow({ actor: actors.member, orgId: org.id, projectId: project.id, taskId: task.id })).toMatchObject({
      id: task.id,
      title: "Ship",
      projectName: "Launch",
      projectArchived: false,
      status: "todo",
      dueOn: "2026-12-31",
      assignee: { id: member.id, label: member.name ?? member.email },
      createdBy: owner.name ?? owner.email,
    });
    // The right id under another project of the same org is not found: the URL cannot mix them.
    await expect(getTaskOrThrow({ actor: actors.owner, orgId: org.id, projectId: otherProject.id, taskId: task.id })).rejects.toMatchObject({ code: "not_found" });
    const stranger = await createOrgWithRoles();
    await expect(getTaskOrThrow({ actor: stranger.actors.owner, orgId: org.id, projectId: project.id, taskId: task.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(getTaskOrThrow({ actor: stranger.actors.owner, orgId: stranger.org.id, projectId: project.id, taskId: task.id })).rejects.toMatchObject({ code: "not_found" });
  });

  it("pages through tasks newest first with keyset cursors, without gaps or repeats", async () => {
    const { org, owner } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const actor = { userId: owner.id };
    const titles: string[] = [];
    for (let i = 0; i < 12; i++) {
      const title = `T${String(i).padStart(2, "0")}`;
      titles.push(title);
      await createTask({ actor, input: { orgId: org.id, projectId: project.id, title } });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTasks({ actor, orgId: org.id, projectId: project.id, filters: { cursor }, limit: 5 });
      seen.push(...page.items.map((t) => t.title));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    // The same order as one page of all (newest first; ties within the clock's resolution ordered by id), each once.
    const all = (await listTasks({ actor, orgId: org.id, projectId: project.id, filters: {}, limit: 50 })).items.map((t) => t.title);
    expect(seen).toEqual(all);
    expect([...seen].sort()).toEqual(titles);
  });

  it("filters by status, assignee and search text", async () => {
    const { org, owner, member } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const actor = { userId: owner.id };
    const base = { orgId: org.id, projectId: project.id };
    await createTask({ actor, input: { ...base, title: "Write docs", status: "done" } });
    await createTask({ actor, input: { ...base, title: "Fix login bug", assigneeId: member.id } });
    await createTask({ actor, input: { ...base, title: "Fix 100% CPU" } });
    const list = (filters: object) =>
      listTasks({ actor, orgId: org.id, projectId: project.id, filters }).then((r) => r.items.map((t) => t.title).sort());
    expect(await list({ status: "done" })).toEqual(["Write docs"]);
    expect(await list({ assignee: member.id })).toEqual(["Fix login bug"]);
    expect(await list({ assignee: "none", status: "todo" })).toEqual(["Fix 100% CPU"]);
    expect(await list({ q: "fix" })).toEqual(["Fix 100% CPU", "Fix login bug"]);
    expect(await list({ q: "100%" })).toEqual(["Fix 100% CPU"]);
    // Garbage filters are ignored, not fatal.
    expect(await list({ status: "bogus", assignee: "x" })).toHaveLength(3);
  });

  it("rejects a forged cursor with invalid_input", async () => {
    const { org, owner } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    await expect(
      listTasks({ actor: { userId: owner.id }, orgId: org.id, projectId: project.id, filters: { cursor: "bm9wZQ" } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("refuses an assignee from outside the organization", async () => {
    const { org, owner } = await createOrgWithRoles();
    const outsider = await createUser();
    const project = await createProjectFor(org.id, owner.id);
    await expect(
      createTask({ actor: { userId: owner.id }, input: { orgId: org.id, projectId: project.id, title: "x", assigneeId: outsider.id } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("moves a task between statuses and deletes it", async () => {
    const { org, owner } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const actor = { userId: owner.id };
    const task = await createTask({ actor, input: { orgId: org.id, projectId: project.id, title: "Ship" } });
    await updateTask({ actor, input: { orgId: org.id, taskId: task.id, status: "in_progress" } });
    let page = await listTasks({ actor, orgId: org.id, projectId: project.id, filters: {} });
    expect(page.items[0]?.status).toBe("in_progress");
    await deleteTask({ actor, input: { orgId: org.id, taskId: task.id } });
    page = await listTasks({ actor, orgId: org.id, projectId: project.id, filters: {} });
    expect(page.items).toHaveLength(0);
    await expect(deleteTask({ actor, input: { orgId: org.id, taskId: task.id } })).rejects.toBeInstanceOf(AppError);
  });
});

describe("archived projects", () => {
  it("are read-only: their tasks can be neither edited nor deleted until restored", async () => {
    const { org, owner } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const actor = { userId: owner.id };
    const task = await createTask({ actor, input: { orgId: org.id, projectId: project.id, title: "Frozen" } });
    await setProjectArchived({ actor, input: { orgId: org.id, projectId: project.id, archived: true } });
    await expect(updateTask({ actor, input: { orgId: org.id, taskId: task.id, status: "done" } })).rejects.toMatchObject({ code: "conflict" });
    await expect(deleteTask({ actor, input: { orgId: org.id, taskId: task.id } })).rejects.toMatchObject({ code: "conflict" });
    await setProjectArchived({ actor, input: { orgId: org.id, projectId: project.id, archived: false } });
    await updateTask({ actor, input: { orgId: org.id, taskId: task.id, status: "done" } });
    const page = await listTasks({ actor, orgId: org.id, projectId: project.id, filters: {} });
    expect(page.items[0]?.status).toBe("done");
  });
});

describe("forged cursors", () => {
  it.each(["1|00000000-0000-0000-0000-000000000000", "foo 1|x", "2026-01-01 00:00:00+00|------------------------------------", "||"])(
    "rejects %j with invalid_input, never a database error",
    async (raw) => {
      const { org, owner } = await createOrgWithRoles();
      const project = await createProjectFor(org.id, owner.id);
      const cursor = Buffer.from(raw).toString("base64url");
      await expect(
        listTasks({ actor: { userId: owner.id }, orgId: org.id, projectId: project.id, filters: { cursor } }),
      ).rejects.toMatchObject({ code: "invalid_input" });
    },
  );
});

describe("assignment emails", () => {
  async function assignmentEvents(taskId: string) {
    const rows = await getDb()
      .select({ data: outboxEvents.data })
      .from(outboxEvents)
      .where(and(eq(outboxEvents.name, "projects/task.assigned"), sql`${outboxEvents.data}->>'taskId' = ${taskId}`));
    return rows.map((r) => r.data);
  }

  it("are queued when someone else is assigned, not when you assign yourself or edit without changing the assignee", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const mine = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Mine", assigneeId: owner.id } });
    expect(await assignmentEvents(mine.id)).toEqual([]);

    const theirs = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Theirs", assigneeId: member.id } });
    expect(await assignmentEvents(theirs.id)).toEqual([expect.objectContaining({ assigneeId: member.id, actorId: owner.id })]);

    // The edit form always sends the current assignee: a title fix must not email them again.
    await updateTask({ actor: actors.owner, input: { orgId: org.id, taskId: theirs.id, title: "Theirs, renamed", assigneeId: member.id } });
    expect(await assignmentEvents(theirs.id)).toHaveLength(1);

    await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: mine.id, assigneeId: member.id } });
    expect(await assignmentEvents(mine.id)).toEqual([]); // they took it themselves
    await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: mine.id, assigneeId: owner.id } });
    expect(await assignmentEvents(mine.id)).toEqual([expect.objectContaining({ assigneeId: owner.id, actorId: member.id })]);
  });
});

describe("a member who leaves an organization (drizzle/0012_unassign_removed_members.sql)", () => {
  it("is unassigned from its tasks, removed or leaving, and stays assigned in their other organizations", async () => {
    const { org, owner, admin, member, actors } = await createOrgWithRoles();
    const other = await createOrg();
    await addMember(other.id, member.id, "member");
    const project = await createProjectFor(org.id, owner.id);
    const otherProject = await createProjectFor(other.id, member.id);
    const task = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Mine", assigneeId: member.id } });
    const adminTask = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Admin's", assigneeId: admin.id } });
    const elsewhere = await createTask({ actor: actors.member, input: { orgId: other.id, projectId: otherProject.id, title: "Theirs", assigneeId: member.id } });

    await removeMember({ actor: actors.owner, input: { orgId: org.id, userId: member.id } });
    expect((await getTaskRow(task.id))?.assigneeId).toBeNull();
    expect((await getTaskRow(adminTask.id))?.assigneeId).toBe(admin.id);
    expect((await getTaskRow(elsewhere.id))?.assigneeId).toBe(member.id);

    await removeMember({ actor: actors.admin, input: { orgId: org.id, userId: admin.id } });
    expect((await getTaskRow(adminTask.id))?.assigneeId).toBeNull();
  });

  it("does not stand in the way of deleting the organization with its assigned tasks", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const task = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Assigned", assigneeId: member.id } });
    await getDb().delete(organizations).where(eq(organizations.id, org.id));
    expect(await getTaskRow(task.id)).toBeUndefined();
  });
});
