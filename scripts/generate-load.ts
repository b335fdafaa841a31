/**
 * `npm run db:generate-load -- [--tasks 1000000] [--activity 10000000] [--members 1000] [--projects 200] [--days 400]`
 *
 * Fills one new organization on a Postgres server (DATABASE_URL) with the data of a big customer, fast (set-based
 * `INSERT … SELECT generate_series`, in batches, minutes rather than hours), for the scale benchmarks and EXPLAIN checks:
 *
 * - an owner who can sign in (printed), and `--members` members (a fifth of them admins);
 * - `--projects` projects with skewed sizes: the first holds `--big-share` of the tasks (the "one project with a million
 *   tasks" of issue 13), the rest share the remainder on a power curve;
 * - `--tasks` tasks: 45% to do, 20% in progress, 35% done; 70% assigned (a few busy members get most), 40% with a due
 *   date (some overdue), titles of 3 to 12 words (some long), created over `--days` days;
 * - `--activity` activity events over the same days, across the monthly partitions (created as needed), of the
 *   app's own types with the data the feed shows.
 *
 * Ends with ANALYZE. Prints the organization's URL and how long each part took.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { generateOrganization } from "./load-data";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "1000000" },
    activity: { type: "string", default: "10000000" },
    members: { type: "string", default: "1000" },
    projects: { type: "string", default: "200" },
    days: { type: "string", default: "400" },
    "big-share": { type: "string", default: "0.5" },
    batch: { type: "string", default: "250000" },
  },
});
const TASKS = Number(values.tasks);
const ACTIVITY = Number(values.activity);
const MEMBERS = Number(values.members);
const PROJECTS = Math.max(1, Number(values.projects));
const DAYS = Number(values.days);
const BIG_SHARE = Number(values["big-share"]);
const BATCH = Number(values.batch);

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:generate-load needs a Postgres server: set DATABASE_URL (and run npm run db:migrate first).");
  process.exit(2);
}

const started = Date.now();
const sql = postgres(url, { max: 1, onnotice: () => {} });
const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
  const t = Date.now();
  const result = await run();
  console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return result;
};

try {
  const org = await generateOrganization(sql, { tasks: TASKS, activity: ACTIVITY, members: MEMBERS, projects: PROJECTS, days: DAYS, bigShare: BIG_SHARE, batch: BATCH }, step);
  console.log(`\norganization /${org.slug}: sign in as ${org.email} / ${org.password}`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await sql.end();
}
