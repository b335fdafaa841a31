import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, projects, tasks } from "@/db/schema";
import { listRecentActivity } from "@/lib/activity/list-activity";
import { getDb } from "@/lib/db/client";
import { withQueryCount } from "@/lib/db/query-counter";
import { listMembers } from "@/lib/orgs/members";
import { requirePermissionToRead } from "@/lib/orgs/require-permission";
import { listProjects } from "@/lib/projects/projects";
import { listTasks } from "@/lib/projects/tasks";
import { addMember, createOrgWithRoles, createProjectFor, createUser } from "@/lib/testing/factories";
import { orgPermissions } from "@/lib/orgs/permissions";

// No N+1: a list costs the same number of queries whatever its length.

async function seedOrg(size: number) {
  const { org, owner } = await createOrgWithRoles();
  const actor = { userId: owner.id };
  const people = await Promise.all(Array.from({ length: Math.min(size, 10) }, () => createUser()));
  for (const p of people) await addMember(org.id, p.id, "member");
  const project = await createProjectFor(org.id, owner.id);
  await getDb().insert(tasks).values(
    Array.from({ length: size }, (_, i) => ({ orgId: org.id, projectId: project.id, title: `Task ${i}`, assigneeId: people[i % people.length]!.id })),
  );
  await getDb().insert(projects).values(Array.from({ length: size }, (_, i) => ({ orgId: org.id, name: `P${i}` })));
  return { org, actor, project };
}

async function queriesFor(size: number) {
  const { org, actor, project } = await seedOrg(size);
  const count = async (fn: () => Promise<unknown>) => (await withQueryCount(fn)).count;
  await requirePermissionToRead(actor, org.id, orgPermissions["org:read"]); // a signed-in page has warmed the memberships already
  return {
    tasks: await count(() => listTasks({ actor, orgId: org.id, projectId: project.id, filters: {}, limit: 50 })),
    projects: await count(() => listProjects({ actor, orgId: org.id })),
    members: await count(() => listMembers({ actor, orgId: org.id })),
    activity: await count(() => listRecentActivity({ actor, orgId: org.id, limit: 50 })),
  };
}

describe("list query budgets", () => {
  it("lists cost one select for 2 or 40 rows (authorization comes from the warm membership cache)", async () => {
    const small = await queriesFor(2);
    const large = await queriesFor(40);
    expect(small).toEqual(large);
    expect(large).toEqual({ tasks: 1, projects: 1, members: 1, activity: 1 });
  });

  it("a cold membership cache costs one more query, once", async () => {
    const { org, owner } = await createOrgWithRoles();
    const actor = { userId: owner.id };
    const count = async (fn: () => Promise<unknown>) => (await withQueryCount(fn)).count;
    expect(await count(() => listProjects({ actor, orgId: org.id }))).toBe(2);
    expect(await count(() => listProjects({ actor, orgId: org.id }))).toBe(1);
  });
});

// Each hot query can be answered from its index.
async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
  const { sql: text, params } = query.toSQL();
  const db = getDb();
  return db.transaction(async (tx) => {
    // Small test tables make any plan cheap; forbidding scans and sorts leaves only an index that matches both the
    // filter and the order, so the assertion proves the index fits the query.
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_bitmapscan = off`);
    await tx.execute(sql`set local enable_sort = off`);
    const inlined = text.replace(/\$(\d+)/g, (_, n) => {
      const v = params[Number(n) - 1];
      return typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
    });
    const rows = await tx.execute(sql.raw(`explain ${inlined}`));
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Record<string, string>[];
    return list.map((r) => Object.values(r)[0]).join("\n");
  });
}

describe("query plans", () => {
  it("serves the task list, the membership check and the org switcher from their indexes", async () => {
    const { org, actor, project } = await seedOrg(5);
    const db = getDb();
    const { eq, and, desc } = await import("drizzle-orm");
    // The project's own index, or the organization's creation order filtered by project (as cheap when the project
    // holds most of the organization's tasks; the planner chooses by statistics, bench/scale.ts checks both at scale).
    expect(
      await plan(db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.orgId, org.id), eq(tasks.projectId, project.id))).orderBy(desc(tasks.createdAt), desc(tasks.id)).limit(25)),
    ).toMatch(/tasks_project_created_idx|tasks_project_status_created_idx|tasks_org_created_idx/);
    // A later page starts inside the index at the cursor (a row comparison in the Index Cond), not by filtering.
    const later = await plan(
      db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.projectId, project.id), sql`(${tasks.createdAt}, ${tasks.id}) < ('2030-01-01 00:00:00+00'::timestamptz, '00000000-0000-0000-0000-000000000000'::uuid)`))
        .orderBy(desc(tasks.createdAt), desc(tasks.id))
        .limit(25),
    );
    expect(later).toMatch(/tasks_project_created_idx/);
    expect(later).toMatch(/Index Cond:.*ROW\(created_at, id\) </);
    expect(
      await plan(db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.projectId, project.id), eq(tasks.status, "done"))).orderBy(desc(tasks.createdAt), desc(tasks.id)).limit(25)),
    ).toMatch(/tasks_project_status_created_idx/);
    expect(
      await plan(db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, actor.userId)))),
    ).toMatch(/memberships_org_user_idx/);
    expect(await plan(db.select({ id: memberships.orgId }).from(memberships).where(eq(memberships.userId, actor.userId)))).toMatch(
      /memberships_user_id_idx/,
    );
    expect(
      await plan(db.select({ id: projects.id }).from(projects).where(eq(projects.orgId, org.id)).orderBy(desc(projects.createdAt), desc(projects.id))),
    ).toMatch(/projects_org_created_idx/);
  });
});
