import type { Sql } from "postgres";

// Fills one new organization with the data of a big customer, fast (set-based `INSERT … SELECT generate_series`, in
// batches): `npm run db:generate-load` (scripts/generate-load.ts) and the scale bench (bench/scale.ts). See
// generate-load.ts for the distributions.

export type LoadDataOptions = { tasks: number; activity: number; members: number; projects: number; days: number; bigShare: number; batch: number };
export type LoadedOrganization = {
  id: string;
  slug: string;
  ownerId: string;
  email: string;
  password: string;
  /** Members' user ids, owner first, then by join date. */
  memberIds: string[];
  /** Projects by name: the first is the big one (`bigShare` of the tasks). */
  projectIds: string[];
};

// Words for titles: real-looking task names of varied length, picked by position in SQL.
const WORDS = (
  "fix update review write ship design test migrate refactor document deploy plan draft prepare clean audit " +
  "login signup billing invoice export import report dashboard onboarding email webhook api search settings " +
  "permissions roles cache queue retry timeout mobile safari chrome layout header footer sidebar modal form " +
  "button table chart pricing customer feedback release notes roadmap bug regression performance memory " +
  "latency database index partition replica backup alert runbook incident postmortem the for on in with of"
).split(" ");


/** Creates the organization, its owner (who can sign in with the returned password), members, projects, tasks and activity. */
export async function generateOrganization(sql: Sql, opts: LoadDataOptions, step: <T>(what: string, run: () => Promise<T>) => Promise<T>): Promise<LoadedOrganization> {
  const { tasks: TASKS, activity: ACTIVITY, members: MEMBERS, projects: PROJECTS, days: DAYS, bigShare: BIG_SHARE, batch: BATCH } = opts;
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const org = await step("organization and owner", async () => {
    // The owner signs in with a password that argon2 hashed: done by the app's own service, not here.
    const { hashPassword } = await import("@/lib/auth/password");
    const password = `load-${stamp}-password`;
    const [owner] = await sql<{ id: string }[]>`
      insert into users (name, email, password_hash, email_verified)
      values ('Load Owner', ${`load-owner-${stamp}@example.test`}, ${await hashPassword(password)}, now()) returning id`;
    const [created] = await sql<{ id: string; slug: string }[]>`
      insert into organizations (name, slug) values (${`Load ${stamp}`}, ${`load-${stamp}`}) returning id, slug`;
    await sql`insert into memberships (org_id, user_id, role) values (${created!.id}, ${owner!.id}, 'owner')`;
    return { id: created!.id, slug: created!.slug, ownerId: owner!.id, email: `load-owner-${stamp}@example.test`, password };
  });

  await step(`${MEMBERS} members`, async () => {
    await sql`
      with u as (
        insert into users (name, email, email_verified)
        select 'Member ' || g, ${`load-${stamp}-member-`} || g || '@example.test', now() from generate_series(1, ${MEMBERS}::int) g
        returning id, email)
      insert into memberships (org_id, user_id, role, created_at)
      select ${org.id}, u.id, (case when random() < 0.2 then 'admin' else 'member' end)::org_role,
             now() - make_interval(days => (random() * ${DAYS}::int)::int)
      from u`;
  });

  await step(`${PROJECTS} projects`, async () => {
    await sql`
      insert into projects (org_id, name, created_by_id, created_at)
      select ${org.id}, 'Project ' || lpad(g::text, 4, '0'), ${org.ownerId}, now() - make_interval(days => ${DAYS}::int - g % ${DAYS}::int)
      from generate_series(1, ${PROJECTS}::int) g`;
  });

  const memberIds = (await sql<{ id: string }[]>`select user_id as id from memberships where org_id = ${org.id} order by created_at`).map((r) => r.id);
  const projectIds = (await sql<{ id: string }[]>`select id from projects where org_id = ${org.id} order by name`).map((r) => r.id);

  await step(`${TASKS.toLocaleString("en")} tasks`, async () => {
    for (let from = 0; from < TASKS; from += BATCH) {
      const to = Math.min(TASKS, from + BATCH);
      // Row g: created g-th over the period (newer rows later), its project skewed (the first takes BIG_SHARE), its
      // assignee skewed toward the first members (a few carry most of the work).
      await sql`
        insert into tasks (org_id, project_id, title, status, assignee_id, due_on, created_by_id, created_at, updated_at)
        select ${org.id},
               (${projectIds}::uuid[])[case when r1 < ${BIG_SHARE}::float8 or ${PROJECTS}::int = 1 then 1
                                         else 2 + floor(power(random(), 2.5) * (${PROJECTS}::int - 1))::int end],
               initcap(array_to_string(array(select (${WORDS}::text[])[1 + ((g::bigint * 7919 + k * 104729) % ${WORDS.length}::int)::int]
                                             from generate_series(1, 3 + g % 10) k), ' ')),
               (case when r2 < 0.45 then 'todo' when r2 < 0.65 then 'in_progress' else 'done' end)::task_status,
               case when r3 < 0.7 then (${memberIds}::uuid[])[1 + floor(power(random(), 3) * ${memberIds.length}::int)::int] end,
               case when r4 < 0.4 then (current_date + ((random() * 120)::int - 30)) end,
               ${org.ownerId},
               created, created
        from (select g, random() as r1, random() as r2, random() as r3, random() as r4,
                     now() - make_interval(secs => (${TASKS}::int - g)::float8 / ${TASKS}::int * ${DAYS}::int * 86400) as created
              from generate_series(${from + 1}::int, ${to}::int) g) s`;
      process.stdout.write(`  ${to.toLocaleString("en")} tasks\r`);
    }
    process.stdout.write("\n");
  });

  await step(`${ACTIVITY.toLocaleString("en")} activity events`, async () => {
    // Monthly partitions back to the start of the period (the app creates them ahead only).
    const months = Math.ceil(DAYS / 28) + 1;
    for (let i = 0; i <= months; i++) {
      await sql`
        select format('create table if not exists %I partition of activity_events for values from (%L) to (%L)',
                      'activity_events_' || to_char(m, 'YYYY_MM'), m::timestamp at time zone 'UTC', (m + interval '1 month')::timestamp at time zone 'UTC')
        from (select (date_trunc('month', now() at time zone 'UTC') - make_interval(months => ${i}))::date as m) x`.then(async ([row]) => {
        await sql.unsafe((row as { format: string }).format);
      });
    }
    const types = ["task.created", "task.updated", "task.updated", "task.updated", "task.created", "task.deleted", "project.renamed", "member.role_changed"];
    for (let from = 0; from < ACTIVITY; from += BATCH) {
      const to = Math.min(ACTIVITY, from + BATCH);
      await sql`
        insert into activity_events (org_id, actor_id, type, subject_type, subject_id, data, created_at)
        select ${org.id},
               (${memberIds}::uuid[])[1 + floor(power(random(), 2) * ${memberIds.length}::int)::int],
               t,
               case when t like 'task.%' then 'task' when t like 'project.%' then 'project' else 'member' end,
               gen_random_uuid(),
               case when t like 'task.%' then jsonb_build_object('title', 'Task ' || g, 'projectId', (${projectIds}::uuid[])[1])
                    when t like 'project.%' then jsonb_build_object('name', 'Project ' || (g % ${PROJECTS}::int))
                    else jsonb_build_object('role', 'admin') end,
               now() - make_interval(secs => (${ACTIVITY}::int - g)::float8 / ${ACTIVITY}::int * ${DAYS}::int * 86400)
        from (select g, (${types}::text[])[1 + (g % ${types.length}::int)] as t from generate_series(${from + 1}::int, ${to}::int) g) s`;
      process.stdout.write(`  ${to.toLocaleString("en")} events\r`);
    }
    process.stdout.write("\n");
  });

  await step("ANALYZE", () => sql`analyze users, memberships, projects, tasks, activity_events, task_counts, activity_daily_counts`);
  return { ...org, memberIds, projectIds };
}
