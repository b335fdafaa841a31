import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { activityEvents, invitations, memberships, organizations, projects, taskComments, tasks } from "@/db/schema";
import { createComment } from "@/lib/comments/comments";
import { getDb } from "@/lib/db/client";
import { purgeDeletedOrganizations } from "@/lib/inngest/functions/purge-deleted-organizations";
import { purgeOrganizationBatch } from "@/lib/orgs/purge-organizations";
import { createInvitationFor, createOrgWithRoles, createProjectFor, createTaskFor } from "@/lib/testing/factories";

const DAY = 24 * 3600 * 1000;

function run() {
  return new InngestTestEngine({ function: purgeDeletedOrganizations }).execute({
    events: [{ name: "inngest/scheduled.timer", data: { cron: "TZ=UTC 41 * * * *" } }],
  });
}

/** An org with a project, tasks, an invitation and activity, soft-deleted with the given purge date. */
async function seedDeletedOrg(purgeAfter: Date | null) {
  const { org, owner } = await createOrgWithRoles();
  const project = await createProjectFor(org.id, owner.id);
  for (let i = 0; i < 3; i++) await createTaskFor(org.id, project.id, owner.id);
  const [task] = await getDb().select({ id: tasks.id }).from(tasks).where(eq(tasks.orgId, org.id)).limit(1);
  for (const body of ["first", "second", "third"]) await createComment({ actor: { userId: owner.id }, input: { orgId: org.id, taskId: task!.id, body } });
  await createInvitationFor(org.id, owner.id);
  if (purgeAfter) {
    await getDb().update(organizations).set({ deletedAt: new Date(purgeAfter.getTime() - 14 * DAY), purgeAfter }).where(eq(organizations.id, org.id));
  }
  return org;
}

async function rowsLeft(orgId: string) {
  const db = getDb();
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  return {
    organization: await count(db.select().from(organizations).where(eq(organizations.id, orgId))),
    memberships: await count(db.select().from(memberships).where(eq(memberships.orgId, orgId))),
    projects: await count(db.select().from(projects).where(eq(projects.orgId, orgId))),
    tasks: await count(db.select().from(tasks).where(eq(tasks.orgId, orgId))),
    comments: await count(db.select().from(taskComments).where(eq(taskComments.orgId, orgId))),
    invitations: await count(db.select().from(invitations).where(eq(invitations.orgId, orgId))),
    activity: await count(db.select().from(activityEvents).where(eq(activityEvents.orgId, orgId))),
  };
}

const nothing = { organization: 0, memberships: 0, projects: 0, tasks: 0, comments: 0, invitations: 0, activity: 0 };

describe("purge-deleted-organizations", () => {
  it("erases organizations past their grace period, and only those", async () => {
    const expired = await seedDeletedOrg(new Date(Date.now() - 60_000));
    const inGrace = await seedDeletedOrg(new Date(Date.now() + DAY));
    const live = await seedDeletedOrg(null);
    const before = { inGrace: await rowsLeft(inGrace.id), live: await rowsLeft(live.id) };

    const { result, error } = await run();

    expect(error).toBeUndefined();
    expect((result as { purged: string[] }).purged).toContain(expired.id);
    expect(await rowsLeft(expired.id)).toEqual(nothing);
    expect(await rowsLeft(inGrace.id)).toEqual(before.inGrace);
    expect(await rowsLeft(live.id)).toEqual(before.live);
    expect(before.live.tasks).toBe(3);
  });

  it("is idempotent: a second run finds nothing of a purged org and changes nothing", async () => {
    const expired = await seedDeletedOrg(new Date(Date.now() - 60_000));
    await run();
    const { result, error } = await run();
    expect(error).toBeUndefined();
    expect((result as { purged: string[] }).purged).not.toContain(expired.id);
    expect(await rowsLeft(expired.id)).toEqual(nothing);
  });

  it("deletes in bounded batches, children before the organization, and continues after an interruption", async () => {
    const org = await seedDeletedOrg(new Date(Date.now() - 60_000));
    const first = await purgeOrganizationBatch({ orgId: org.id, batchSize: 2 });
    expect(first).toEqual({ done: false, table: "task_comments", deleted: 2 });
    expect((await rowsLeft(org.id)).comments).toBe(1);
    // The run "crashed" here; the next one picks up what is left.
    const tables: string[] = [];
    for (let i = 0; i < 50; i++) {
      const batch = await purgeOrganizationBatch({ orgId: org.id, batchSize: 2 });
      expect(batch.deleted).toBeLessThanOrEqual(2);
      tables.push(batch.table!);
      if (batch.done) break;
    }
    expect(tables.at(-1)).toBe("organizations");
    // Each table is emptied before the next is touched, and the organization row goes last.
    expect(tables.filter((t, i) => t !== tables[i - 1])).toEqual(["task_comments", "tasks", "activity_events", "projects", "invitations", "memberships", "organizations"]);
    expect(await rowsLeft(org.id)).toEqual(nothing);
  });

  it("leaves alone an organization restored (or never deleted) whatever it is asked", async () => {
    const org = await seedDeletedOrg(null);
    expect(await purgeOrganizationBatch({ orgId: org.id })).toEqual({ done: true, table: null, deleted: 0 });
    const ids = (await getDb().select({ id: tasks.id }).from(tasks).where(inArray(tasks.orgId, [org.id]))).length;
    expect(ids).toBe(3);
  });
});
