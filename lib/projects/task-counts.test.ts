import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadActivitySummary } from "@/lib/activity/get-activity-summary";
import { getDb } from "@/lib/db/client";
import { loadOrgStats } from "@/lib/projects/projects";
import { createTask, deleteTask, updateTask } from "@/lib/projects/tasks";
import { createOrgWithRoles, createProjectFor } from "@/lib/testing/factories";

// task_counts and activity_daily_counts (drizzle/0007_task_counts_and_search.sql) replace counting a million rows on
// every dashboard render. They are kept by triggers in the writing transaction, so they must equal a fresh count after
// any mix of writes: the app's services, an import's bulk upsert, concurrent writers, a cascade.

type Row = Record<string, unknown>;
const rows = async (query: ReturnType<typeof sql>): Promise<Row[]> => {
  const result = (await getDb().execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
};

/** The counters of the org, and what counting its tasks says, both as "project status" → n (zeros left out). */
async function countersAndTruth(orgId: string) {
  const asMap = (list: Row[]) => Object.fromEntries(list.filter((r) => Number(r.n) !== 0).map((r) => [`${r.project_id} ${r.status}`, Number(r.n)]));
  const counters = asMap(await rows(sql`select project_id, status, count as n from task_counts where org_id = ${orgId}`));
  const truth = asMap(await rows(sql`select project_id, status, count(*)::int as n from tasks where org_id = ${orgId} group by 1, 2`));
  return { counters, truth };
}

describe("task counters", () => {
  it("equal a fresh count after creates, status changes, deletes, an import's upsert and a bulk update", async () => {
    const { org, actors } = await createOrgWithRoles();
    const [a, b] = [await createProjectFor(org.id, actors.admin.userId), await createProjectFor(org.id, actors.admin.userId)];
    const created = [];
    for (let i = 0; i < 12; i++) {
      created.push(await createTask({ actor: actors.member, input: { orgId: org.id, projectId: (i % 3 ? a : b).id, title: `Task ${i}`, status: i % 4 ? "todo" : "in_progress" } }));
    }
    for (const task of created.slice(0, 5)) await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: task.id, status: "done" } });
    await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: created[0]!.id, title: "Renamed, status unchanged" } });
    for (const task of created.slice(3, 7)) await deleteTask({ actor: actors.admin, input: { orgId: org.id, taskId: task.id } });
    // An import's statement: new rows inserted and existing keys updated in one upsert (both triggers fire).
    const upsert = (status: string) => sql`
      insert into tasks (org_id, project_id, title, status, external_key)
      select ${org.id}, ${a.id}, 'Imported ' || g, ${status}::task_status, 'csv:' || g from generate_series(1, 50) g
      on conflict (org_id, external_key) where external_key is not null
      do update set status = excluded.status`;
    await getDb().execute(upsert("todo"));
    await getDb().execute(upsert("done"));
    await getDb().execute(sql`update tasks set status = 'in_progress' where project_id = ${a.id} and title like 'Imported 1%'`);

    const { counters, truth } = await countersAndTruth(org.id);
    expect(Object.keys(truth).length).toBeGreaterThan(3);
    expect(counters).toEqual(truth);
    const stats = await loadOrgStats(org.id);
    expect(stats.todo + stats.inProgress + stats.done).toBe(12 - 4 + 50);
  });

  it("stay exact under concurrent writers in one project", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.admin.userId);
    const tasks = await Promise.all(Array.from({ length: 16 }, (_, i) => createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: `Parallel ${i}` } })));
    await Promise.all(
      tasks.map((task, i) =>
        i % 3 === 0
          ? deleteTask({ actor: actors.admin, input: { orgId: org.id, taskId: task.id } })
          : updateTask({ actor: actors.member, input: { orgId: org.id, taskId: task.id, status: i % 2 ? "done" : "in_progress" } }),
      ),
    );
    const { counters, truth } = await countersAndTruth(org.id);
    expect(counters).toEqual(truth);
  });

  it("go with their project and organization (cascade), leaving no rows behind", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.admin.userId);
    await createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "Doomed" } });
    expect(await rows(sql`select 1 from task_counts where project_id = ${project.id}`)).toHaveLength(1);
    await getDb().execute(sql`delete from organizations where id = ${org.id}`);
    expect(await rows(sql`select 1 from task_counts where project_id = ${project.id}`)).toHaveLength(0);
    expect(await rows(sql`select 1 from activity_daily_counts where org_id = ${org.id}`)).toHaveLength(0);
  });
});

describe("activity per day", () => {
  it("equals the events recorded each UTC day, as the dashboard chart shows them", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.admin.userId);
    for (let i = 0; i < 3; i++) await createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: `Event ${i}` } });
    const today = new Date().toISOString().slice(0, 10);
    const summary = await loadActivitySummary(org.id, today);
    const [truth] = await rows(sql`select count(*)::int as n from activity_events where org_id = ${org.id} and created_at >= ${`${today}T00:00:00Z`}::timestamptz`);
    expect(summary.daily).toHaveLength(30);
    expect(summary.daily.at(-1)).toEqual({ day: today, count: Number(truth!.n) });
    expect(Number(truth!.n)).toBeGreaterThanOrEqual(4); // the project and the three tasks
  });
});
