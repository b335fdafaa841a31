import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { taskAssigned } from "@/lib/projects/events";
import { notifyTaskAssignee } from "@/lib/inngest/functions/notify-task-assignee";
import { createTask, deleteTask, updateTask } from "@/lib/projects/tasks";
import { createOrgWithRoles, createProjectFor, mailTo } from "@/lib/testing/factories";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// Assigning a task queues this very job; its event is swallowed here so that only the runs below send mail.
beforeEach(() => setEventSenderForTests(async () => {}));
afterEach(() => setEventSenderForTests(undefined));

async function setup() {
  const ctx = await createOrgWithRoles();
  const project = await createProjectFor(ctx.org.id, ctx.owner.id, "Website relaunch");
  return { ...ctx, project };
}

function run(data: { taskId: string; orgId: string; assigneeId: string; actorId: string }) {
  return new InngestTestEngine({ function: notifyTaskAssignee }).execute({ events: [{ id: randomUUID(), name: taskAssigned.name, data }] });
}

describe("notify-task-assignee", () => {
  it("tells the assignee who assigned them which task, with a link to the project", async () => {
    const { org, owner, member, project } = await setup();
    const task = await createTask({ actor: { userId: owner.id }, input: { orgId: org.id, projectId: project.id, title: "Fix the footer", assigneeId: member.id } });

    const { result, error } = await run({ taskId: task.id, orgId: org.id, assigneeId: member.id, actorId: owner.id });

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: true });
    const mail = await mailTo(member.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe("Olivia Owner assigned you “Fix the footer”");
    expect(mail[0]!.text).toContain("Olivia Owner assigned you the task “Fix the footer” in Website relaunch:");
    expect(mail[0]!.text).toContain(`http://localhost:3000/${org.slug}/projects/${project.id}\n`);
  });

  it("uses the task's current title, and the actor's email when they have no name", async () => {
    const { org, admin, member, project, actors } = await setup();
    const task = await createTask({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, title: "Old title", assigneeId: member.id } });
    await updateTask({ actor: actors.admin, input: { orgId: org.id, taskId: task.id, title: "New title" } });
    await getDb().update(users).set({ name: null }).where(eq(users.id, admin.id));

    await run({ taskId: task.id, orgId: org.id, assigneeId: member.id, actorId: admin.id });

    const [mail] = await mailTo(member.email);
    expect(mail!.subject).toBe(`${admin.email} assigned you “New title”`);
  });

  it("sends nothing when the task was reassigned before the mail went out", async () => {
    const { org, owner, admin, member, project, actors } = await setup();
    const task = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Moving target", assigneeId: member.id } });
    await updateTask({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, assigneeId: admin.id } });

    const { result, error } = await run({ taskId: task.id, orgId: org.id, assigneeId: member.id, actorId: owner.id });

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: false });
    expect(await mailTo(member.email)).toEqual([]);
    // The new assignee's own event still sends.
    expect((await run({ taskId: task.id, orgId: org.id, assigneeId: admin.id, actorId: owner.id })).result).toEqual({ sent: true });
    expect(await mailTo(admin.email)).toHaveLength(1);
  });

  it("sends nothing when the task was unassigned or deleted before the mail went out", async () => {
    const { org, owner, member, project, actors } = await setup();
    const unassigned = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Unassigned", assigneeId: member.id } });
    await updateTask({ actor: actors.owner, input: { orgId: org.id, taskId: unassigned.id, assigneeId: null } });
    const deleted = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Deleted", assigneeId: member.id } });
    await deleteTask({ actor: actors.owner, input: { orgId: org.id, taskId: deleted.id } });

    expect((await run({ taskId: unassigned.id, orgId: org.id, assigneeId: member.id, actorId: owner.id })).result).toEqual({ sent: false });
    expect((await run({ taskId: deleted.id, orgId: org.id, assigneeId: member.id, actorId: owner.id })).result).toEqual({ sent: false });
    expect(await mailTo(member.email)).toEqual([]);
  });
});
