import { cpSync, existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { freshDataDir, load, saveResults, scrapeCounters, seed, signIn, startFakeInngest, startServer, type LoadOptions, type LoadResult, type Seeded } from "./lib";

// The app under load: the landing page, the signed-in dashboard, a project's task list (1,000 tasks) and a mutation
// (creating a task through its server action, as the browser sends it), with database queries per request from
// /api/metrics. Seeds its own data and signs in by itself.
//
//   npm run build && npm run bench                 starts the built app itself (embedded PGlite, or DATABASE_URL /
//                                                  UPSTASH_* if set), runs every scenario with the cache on, then the
//                                                  signed-in pages with the cache off (ANATOMY_CACHE=0), then the
//                                                  create-task action with job dispatch off (ANATOMY_JOB_DISPATCH=0):
//                                                  two ratios
//   npm run bench -- --url https://staging.example --metrics-token …   a running app; DATABASE_URL must name its
//                                                  database (the seed goes there); no cache on/off comparison
//   options: --connections 10 --seconds 10 --tasks 1000

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    "metrics-token": { type: "string" },
    connections: { type: "string", default: "10" },
    seconds: { type: "string", default: "10" },
    tasks: { type: "string", default: "1000" },
    port: { type: "string", default: "3191" },
  },
});
const connections = Number(args.connections);
const seconds = Number(args.seconds);
const password = "bench-password-123";
const email = `bench-${Date.now()}@example.test`;
const metricsToken = args["metrics-token"] ?? process.env.METRICS_TOKEN ?? "bench-metrics-token-0123456789";

type Scenario = { name: string; path: string; signedIn: boolean; mutation?: boolean };
type Row = LoadResult & { scenario: string; cache: "on" | "off" | "remote"; dispatch?: "in-process" | "to Inngest" | "off"; queriesPerRequest: number | null };

function scenarios(seeded: Seeded): Scenario[] {
  return [
    { name: "landing", path: "/", signedIn: false },
    { name: "dashboard", path: `/${seeded.orgSlug}`, signedIn: true },
    { name: "task list (1k tasks)", path: `/${seeded.orgSlug}/projects/${seeded.projectId}`, signedIn: true },
    { name: "create task (server action)", path: `/${seeded.orgSlug}/projects/${seeded.projectId}`, signedIn: true, mutation: true },
  ];
}

/** The id Next gave createTaskAction in this build (the browser finds it in its JS bundle; we read the manifest). */
function createTaskActionId(): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === "createTaskAction")?.[0];
  if (!id) throw new Error("createTaskAction not found in .next/server/server-reference-manifest.json: run `npm run build`");
  return id;
}

/** A server-action POST as React 19 encodes it: field 0 holds the arguments (previous state, the form), the form's fields _1_. */
function createTaskRequest(seeded: Seeded, cookie: string) {
  const boundary = "----anatomybench";
  // An array, not an object: "0" is an integer-like key that objects put first, and React decodes the arguments as the
  // fields stream in, so the form's fields must come before it (as browsers send them).
  const fields: [string, string][] = [
    ["_1_orgId", seeded.orgId],
    ["_1_projectId", seeded.projectId],
    ["_1_path", `/${seeded.orgSlug}/projects/${seeded.projectId}`],
    ["_1_title", "Bench task"],
    ["_1_status", "todo"],
    // Assigned to the teammate: the action also enqueues the assignment email (outbox row + dispatch after commit).
    ["_1_assigneeId", seeded.teammateId],
    ["_1_dueOn", ""],
    ["0", '[null,"$K1"]'],
  ];
  // The page the browser is on: with it, the action's response carries the re-rendered page (revalidatePath), as in
  // the browser. Captured from Chromium on Next 16.
  const routerState = JSON.stringify([
    "",
    { children: ["(app)", { children: [["org", seeded.orgSlug, "d", null], { children: ["projects", { children: [["projectId", seeded.projectId, "d", null], { children: ["__PAGE__", {}, null, null, 0] }, null, null, 0] }, null, null, 0] }, null, null, 0] }, null, null, 0] },
    null,
    null,
    16,
  ]);
  const body =
    fields
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join("") + `--${boundary}--\r\n`;
  return {
    method: "POST" as const,
    body,
    headers: {
      cookie,
      accept: "text/x-component",
      "next-action": createTaskActionId(),
      "next-router-state-tree": encodeURIComponent(routerState),
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
  };
}

async function runScenario(baseUrl: string, scenario: Scenario, seeded: Seeded, cookie: string, cache: Row["cache"]): Promise<Row> {
  const headers: Record<string, string> = scenario.signedIn ? { cookie } : {};
  const request: Pick<LoadOptions, "method" | "body" | "headers"> = scenario.mutation ? createTaskRequest(seeded, cookie) : { method: "GET", headers };
  const url = `${baseUrl}${scenario.path}`;
  await load(url, { connections, seconds: 2, ...request }); // warm-up: JIT, caches
  const before = await scrapeCounters(baseUrl, metricsToken).catch(() => null);
  const result = await load(url, { connections, seconds, ...request });
  const after = await scrapeCounters(baseUrl, metricsToken).catch(() => null);
  // The scrape itself is a request that issues no query; subtract it from the request count.
  const queriesPerRequest =
    before && after && after.requests - before.requests > 1
      ? Math.round(((after.queries - before.queries) / (after.requests - before.requests - 1)) * 100) / 100
      : null;
  const row: Row = { scenario: scenario.name, cache, ...result, queriesPerRequest };
  console.log(
    `${row.scenario.padEnd(28)} cache ${cache.padEnd(6)} ${String(row.requestsPerSec).padStart(7)} req/s  p50 ${row.p50} ms  p95 ${row.p95} ms  p99 ${row.p99} ms  errors ${row.errors}  non-2xx ${row.non2xx}  queries/request ${row.queriesPerRequest ?? "n/a"}`,
  );
  return row;
}

async function benchLocal(): Promise<Row[]> {
  if (!existsSync(".next/BUILD_ID")) throw new Error("No build found: run `npm run build` first.");
  const template = freshDataDir("run-template");
  const seeded = await seed({ email, password, tasks: Number(args.tasks), dataDir: process.env.DATABASE_URL ? undefined : template });
  const rows: Row[] = [];
  // 1. Everything with the cache on (jobs run by the in-process executor, on the same cores); 2. the signed-in pages
  // with the cache off; 3–4. the mutation with events sent to an Inngest event API (a stand-in that accepts them: in
  // production the jobs run in other invocations) and with dispatch off (ANATOMY_JOB_DISPATCH=0: the event stays in
  // the outbox). 3 vs 4 is the cost of the queue on the request that enqueues.
  const fakeInngest = await startFakeInngest(Number(args.port) + 1);
  const viaInngest = { INNGEST_DEV: "1", INNGEST_BASE_URL: fakeInngest.url };
  const configs: { name: string; env: Record<string, string>; cache: "on" | "off"; dispatch: Row["dispatch"]; only: (s: Scenario) => boolean }[] = [
    { name: "cache-on", env: { ANATOMY_CACHE: "1" }, cache: "on", dispatch: "in-process", only: () => true },
    { name: "cache-off", env: { ANATOMY_CACHE: "0" }, cache: "off", dispatch: "in-process", only: (s) => s.signedIn && !s.mutation },
    { name: "dispatch-on", env: { ANATOMY_CACHE: "1", ...viaInngest }, cache: "on", dispatch: "to Inngest", only: (s) => Boolean(s.mutation) },
    { name: "dispatch-off", env: { ANATOMY_CACHE: "1", ...viaInngest, ANATOMY_JOB_DISPATCH: "0" }, cache: "on", dispatch: "off", only: (s) => Boolean(s.mutation) },
  ];
  for (const config of configs) {
    const dataDir = freshDataDir(`run-${config.name}`);
    cpSync(template, dataDir, { recursive: true });
    const server = await startServer({
      port: Number(args.port),
      dataDir,
      env: { ...config.env, METRICS_TOKEN: metricsToken, RATE_LIMIT_MULTIPLIER: "10000", LOG_LEVEL: "warn" },
    });
    try {
      const cookie = await signIn(server.url, email, password);
      for (const scenario of scenarios(seeded).filter(config.only)) {
        const row = await runScenario(server.url, scenario, seeded, cookie, config.cache);
        rows.push(scenario.mutation ? { ...row, dispatch: config.dispatch } : row);
      }
    } finally {
      await server.stop();
    }
  }
  console.log(`events received by the Inngest stand-in: ${fakeInngest.received()}`);
  await fakeInngest.stop();
  return rows;
}

async function benchRemote(baseUrl: string): Promise<Row[]> {
  if (!process.env.DATABASE_URL) throw new Error("--url needs DATABASE_URL: the seed is written to the app's database.");
  const seeded = await seed({ email, password, tasks: Number(args.tasks) });
  const cookie = await signIn(baseUrl, email, password);
  const rows: Row[] = [];
  for (const scenario of scenarios(seeded)) rows.push(await runScenario(baseUrl, scenario, seeded, cookie, "remote"));
  return rows;
}

const rows = args.url ? await benchRemote(args.url.replace(/\/$/, "")) : await benchLocal();
console.table(
  rows.map((r) => ({
    scenario: r.scenario,
    cache: r.cache,
    dispatch: r.dispatch ?? "",
    "req/s": r.requestsPerSec,
    "p50 ms": r.p50,
    "p95 ms": r.p95,
    "p99 ms": r.p99,
    errors: r.errors,
    "non-2xx": r.non2xx,
    "queries/req": r.queriesPerRequest ?? "n/a",
  })),
);
const mutation = (dispatch: NonNullable<Row["dispatch"]>) => rows.find((r) => r.dispatch === dispatch);
const dispatchOn = mutation("to Inngest");
const dispatchOff = mutation("off");
const createTaskP95Ratio = dispatchOn && dispatchOff ? Math.round((dispatchOn.p95 / dispatchOff.p95) * 100) / 100 : null;
if (createTaskP95Ratio !== null) {
  console.log(`create task p95, events dispatched to Inngest / dispatch off: ${createTaskP95Ratio}x (${dispatchOn!.p95} vs ${dispatchOff!.p95} ms)`);
}
const dashboard = (cache: "on" | "off") => rows.find((r) => r.scenario === "dashboard" && r.cache === cache);
const on = dashboard("on");
const off = dashboard("off");
const dashboardCacheRatio = on && off ? Math.round((on.requestsPerSec / off.requestsPerSec) * 100) / 100 : null;
if (dashboardCacheRatio !== null) console.log(`dashboard throughput, cache on / cache off: ${dashboardCacheRatio}x`);
const store = process.env.UPSTASH_REDIS_REST_URL ? "upstash" : "memory";
const database = process.env.DATABASE_URL ? "postgres" : "pglite";
console.log(`saved ${saveResults("bench", { connections, seconds, store, database, rows, dashboardCacheRatio, createTaskP95Ratio })}`);
