import { cpSync, existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import {
  freshDataDir,
  load,
  percentile,
  saveResults,
  scrapeCounters,
  seed,
  signIn,
  startFakeInngest,
  startServer,
  type LoadOptions,
  type LoadResult,
  type Seeded,
  type ServerHandle,
} from "./lib";

// The app under load, page by page: the landing page, the signed-in dashboard, a project's task list (1,000 tasks),
// the same list filtered, and a mutation (creating a task through its server action, as the browser sends it). For
// each: the server's CPU time per request (its own processes, from /proc: the figure to trust on a noisy 2-core
// machine, where throughput drifts with whatever else runs), req/s, p50/p95/p99, response bytes (raw and gzipped)
// and database queries per request (from /api/metrics).
//
// Both cache adapters at once: a server on the memory adapter and one on Upstash (when UPSTASH_REDIS_REST_URL and
// _TOKEN are set, e.g. Redis through scripts/upstash-bridge.ts) run side by side on copies of the same data and take
// each page's load in short alternating bursts, so both see the same machine (the instrumentation bench's method).
//
//   npm run build && npm run bench                 embedded PGlite (or DATABASE_URL), memory adapter (+ Upstash when set)
//   npm run bench -- --extras                      also: the signed-in pages with the cache off (ANATOMY_CACHE=0) and
//                                                  the create-task action with events sent to Inngest vs dispatch off
//                                                  (ANATOMY_JOB_DISPATCH=0): two ratios
//   npm run bench -- --url https://staging.example --metrics-token …   a running app; DATABASE_URL must name its
//                                                  database (the seed goes there)
//   npm run bench -- --baseline ../anatomy-before     and the same for another built checkout (e.g. a worktree of an
//                                                  earlier commit, after `npm run build` there), in the same bursts:
//                                                  CPU per request of this build / the baseline's, page by page
//   options: --connections 10 --seconds 5 --bursts 4 --warmup 10 --tasks 1000 --only dashboard,tasks
const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    "metrics-token": { type: "string" },
    connections: { type: "string", default: "10" },
    seconds: { type: "string", default: "5" },
    bursts: { type: "string", default: "4" },
    warmup: { type: "string", default: "10" },
    tasks: { type: "string", default: "1000" },
    port: { type: "string", default: "3191" },
    only: { type: "string" },
    extras: { type: "boolean", default: false },
    baseline: { type: "string" },
  },
});
const connections = Number(args.connections);
const seconds = Number(args.seconds);
const bursts = Number(args.bursts);
const password = "bench-password-123";
const email = `bench-${Date.now()}@example.test`;
const metricsToken = args["metrics-token"] ?? process.env.METRICS_TOKEN ?? "bench-metrics-token-0123456789";

type Scenario = { key: string; name: string; path: string; signedIn: boolean; mutation?: boolean };
type Adapter = "memory" | "upstash" | "remote";
type Row = LoadResult & {
  scenario: string;
  adapter: Adapter;
  build: "this" | "baseline";
  cache: "on" | "off";
  dispatch?: "in-process" | "to Inngest" | "off";
  cpuMsPerRequest: number | null;
  bytes: number;
  gzipBytes: number;
  queriesPerRequest: number | null;
};

function scenarios(seeded: Seeded): Scenario[] {
  const list = `/${seeded.orgSlug}/projects/${seeded.projectId}`;
  const all: Scenario[] = [
    { key: "landing", name: "landing", path: "/", signedIn: false },
    { key: "dashboard", name: "dashboard", path: `/${seeded.orgSlug}`, signedIn: true },
    { key: "tasks", name: "task list (1k tasks)", path: list, signedIn: true },
    { key: "filtered", name: "task list, filtered", path: `${list}?status=in_progress&q=task`, signedIn: true },
    { key: "action", name: "create task (server action)", path: list, signedIn: true, mutation: true },
  ];
  const only = args.only?.split(",");
  return only ? all.filter((s) => only.includes(s.key)) : all;
}

/**
 * The id Next gave createTaskAction in the build at `cwd` (the browser finds it in its JS bundle; we read the
 * manifest). Each build salts its ids with its own key: a baseline checkout has other ids.
 */
function createTaskActionId(cwd = "."): string {
  const manifest = JSON.parse(readFileSync(`${cwd}/.next/server/server-reference-manifest.json`, "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === "createTaskAction")?.[0];
  if (!id) throw new Error("createTaskAction not found in .next/server/server-reference-manifest.json: run `npm run build`");
  return id;
}

/** A server-action POST as React 19 encodes it: field 0 holds the arguments (previous state, the form), the form's fields _1_. */
function createTaskRequest(seeded: Seeded, cookie: string, cwd?: string) {
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
      "next-action": createTaskActionId(cwd),
      "next-router-state-tree": encodeURIComponent(routerState),
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
  };
}

/** One request's body as sent (compressed by nobody: next start leaves compression to a proxy or CDN) and gzipped. */
async function responseBytes(url: string, request: Pick<LoadOptions, "method" | "body" | "headers">): Promise<{ bytes: number; gzipBytes: number }> {
  const res = await fetch(url, { method: request.method, body: request.body, headers: request.headers, redirect: "manual" });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${request.method} ${url} answered ${res.status}`);
  return { bytes: body.length, gzipBytes: gzipSync(body).length };
}

type Target = { adapter: Adapter; build: Row["build"]; url: string; cookie: string; server?: ServerHandle; cwd?: string };

function requestFor(scenario: Scenario, seeded: Seeded, target: Target): Pick<LoadOptions, "method" | "body" | "headers"> {
  const cookie = target.cookie;
  return scenario.mutation ? createTaskRequest(seeded, cookie, target.cwd) : { method: "GET", headers: scenario.signedIn ? { cookie } : {} };
}

/** Loads one page on every target in alternating bursts; one row per target. */
async function runScenario(allTargets: Target[], scenario: Scenario, seeded: Seeded, cache: Row["cache"]): Promise<Row[]> {
  // A baseline checkout may not serve a page this build's data needs (e.g. the filtered list before migration 0009's
  // pg_trgm, which its embedded database cannot load): it sits that page out, said so, rather than counting failures.
  const targets: Target[] = [];
  for (const target of allTargets) {
    if (target.build === "baseline" && !scenario.mutation) {
      const status = await fetch(`${target.url}${scenario.path}`, { ...requestFor(scenario, seeded, target), redirect: "manual" }).then(async (r) => (await r.arrayBuffer(), r.status));
      if (status !== 200) {
        console.log(`${scenario.name}: the baseline answers ${status} here; compared without it`);
        continue;
      }
    }
    targets.push(target);
  }
  const per = targets.map((target) => ({ target, request: requestFor(scenario, seeded, target), bursts: [] as LoadResult[], cpuSeconds: 0 }));
  for (const p of per) await load(`${p.target.url}${scenario.path}`, { connections, seconds: Number(args.warmup), ...p.request }); // JIT, caches
  const before = await Promise.all(per.map((p) => scrapeCounters(p.target.url, metricsToken).catch(() => null)));
  for (let burst = 0; burst < bursts; burst++) {
    for (const p of burst % 2 === 0 ? per : [...per].reverse()) {
      const cpuBefore = p.target.server?.cpuSeconds() ?? Number.NaN;
      p.bursts.push(await load(`${p.target.url}${scenario.path}`, { connections, seconds, keepLatencies: true, ...p.request }));
      p.cpuSeconds += (p.target.server?.cpuSeconds() ?? Number.NaN) - cpuBefore;
    }
  }
  const after = await Promise.all(per.map((p) => scrapeCounters(p.target.url, metricsToken).catch(() => null)));
  return Promise.all(
    per.map(async (p, i) => {
      const total = p.bursts.reduce((n, b) => n + b.total, 0);
      const latencies = p.bursts.flatMap((b) => b.latencies ?? []).sort((a, b) => a - b);
      const b = before[i];
      const a = after[i];
      // The scrape itself is a request that issues no query; subtract it from the request count.
      const queriesPerRequest = b && a && a.requests - b.requests > 1 ? Math.round(((a.queries - b.queries) / (a.requests - b.requests - 1)) * 100) / 100 : null;
      const row: Row = {
        scenario: scenario.name,
        adapter: p.target.adapter,
        build: p.target.build,
        cache,
        requestsPerSec: Math.round((total / (seconds * bursts)) * 10) / 10,
        p50: percentile(latencies, 0.5),
        p90: percentile(latencies, 0.9),
        p95: percentile(latencies, 0.95),
        p97_5: percentile(latencies, 0.975),
        p99: percentile(latencies, 0.99),
        errors: p.bursts.reduce((n, x) => n + x.errors, 0),
        non2xx: p.bursts.reduce((n, x) => n + x.non2xx, 0),
        total,
        cpuMsPerRequest: Number.isFinite(p.cpuSeconds) ? Math.round(((p.cpuSeconds * 1000) / total) * 100) / 100 : null,
        ...(await responseBytes(`${p.target.url}${scenario.path}`, p.request)),
        queriesPerRequest,
      };
      console.log(
        `${row.scenario.padEnd(28)} ${row.adapter.padEnd(7)} ${row.build === "baseline" ? "baseline " : ""}cache ${cache.padEnd(3)} ${String(row.cpuMsPerRequest ?? "n/a").padStart(6)} ms CPU/req ${String(row.requestsPerSec).padStart(7)} req/s  p50 ${row.p50}  p95 ${row.p95}  p99 ${row.p99} ms  ${row.bytes} B (${row.gzipBytes} gz)  failed ${row.errors + row.non2xx}  queries/req ${row.queriesPerRequest ?? "n/a"}`,
      );
      return row;
    }),
  );
}

type Config = { name: string; env: Record<string, string>; adapters: ("memory" | "upstash")[]; cache: Row["cache"]; dispatch: Row["dispatch"]; only: (s: Scenario) => boolean };

async function benchLocal(): Promise<Row[]> {
  if (!existsSync(".next/BUILD_ID")) throw new Error("No build found: run `npm run build` first.");
  const upstash = Boolean(process.env.UPSTASH_REDIS_REST_URL && process.env.UPSTASH_REDIS_REST_TOKEN);
  const adapters: ("memory" | "upstash")[] = upstash ? ["memory", "upstash"] : ["memory"];
  if (!upstash) console.log("Upstash adapter: not measured (set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, e.g. to scripts/upstash-bridge.ts)");
  const template = freshDataDir("run-template");
  const seeded = await seed({ email, password, tasks: Number(args.tasks), dataDir: process.env.DATABASE_URL ? undefined : template });
  const rows: Row[] = [];
  const fakeInngest = args.extras ? await startFakeInngest(Number(args.port) + 5) : null;
  const viaInngest: Record<string, string> = fakeInngest ? { INNGEST_DEV: "1", INNGEST_BASE_URL: fakeInngest.url } : {};
  // 1. Every page on each adapter (jobs run by the in-process executor, on the same cores). With --extras: 2. the
  // signed-in pages with the cache off; 3–4. the mutation with events sent to an Inngest event API (a stand-in that
  // accepts them: in production the jobs run in other invocations) and with dispatch off (ANATOMY_JOB_DISPATCH=0:
  // the event stays in the outbox). 3 vs 4 is the cost of the queue on the request that enqueues.
  const configs: Config[] = [{ name: "pages", env: { ANATOMY_CACHE: "1" }, adapters, cache: "on", dispatch: "in-process", only: () => true }];
  if (args.extras) {
    configs.push(
      { name: "cache-off", env: { ANATOMY_CACHE: "0" }, adapters: ["memory"], cache: "off", dispatch: "in-process", only: (s) => s.signedIn && !s.mutation },
      { name: "dispatch-on", env: { ANATOMY_CACHE: "1", ...viaInngest }, adapters: ["memory"], cache: "on", dispatch: "to Inngest", only: (s) => Boolean(s.mutation) },
      { name: "dispatch-off", env: { ANATOMY_CACHE: "1", ...viaInngest, ANATOMY_JOB_DISPATCH: "0" }, adapters: ["memory"], cache: "on", dispatch: "off", only: (s) => Boolean(s.mutation) },
    );
  }
  for (const config of configs) {
    const targets: Target[] = [];
    try {
      const builds: Row["build"][] = args.baseline && config.name === "pages" ? ["this", "baseline"] : ["this"];
      for (const [i, [adapter, build]] of config.adapters.flatMap((a) => builds.map((b) => [a, b] as const)).entries()) {
        const dataDir = freshDataDir(`run-${config.name}-${adapter}-${build}`);
        cpSync(template, dataDir, { recursive: true });
        const store: Record<string, string> = adapter === "upstash" ? {} : { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" };
        const server = await startServer({
          port: Number(args.port) + i,
          dataDir,
          cwd: build === "baseline" ? args.baseline : undefined,
          env: { ...config.env, ...store, CACHE_KEY_PREFIX: `bench-${Date.now()}-${i}`, METRICS_TOKEN: metricsToken, RATE_LIMIT_MULTIPLIER: "10000", LOG_LEVEL: "warn" },
        });
        const cwd = build === "baseline" ? args.baseline : undefined;
        targets.push({ adapter, build, url: server.url, server, cwd, cookie: await signIn(server.url, email, password) });
      }
      for (const scenario of scenarios(seeded).filter(config.only)) {
        for (const row of await runScenario(targets, scenario, seeded, config.cache)) rows.push(scenario.mutation ? { ...row, dispatch: config.dispatch } : row);
      }
    } finally {
      await Promise.all(targets.map((t) => t.server?.stop()));
    }
  }
  if (fakeInngest) {
    console.log(`events received by the Inngest stand-in: ${fakeInngest.received()}`);
    await fakeInngest.stop();
  }
  return rows;
}

async function benchRemote(baseUrl: string): Promise<Row[]> {
  if (!process.env.DATABASE_URL) throw new Error("--url needs DATABASE_URL: the seed is written to the app's database.");
  const seeded = await seed({ email, password, tasks: Number(args.tasks) });
  const target: Target = { adapter: "remote", build: "this", url: baseUrl, cookie: await signIn(baseUrl, email, password) };
  const rows: Row[] = [];
  for (const scenario of scenarios(seeded)) rows.push(...(await runScenario([target], scenario, seeded, "on")));
  return rows;
}

const rows = args.url ? await benchRemote(args.url.replace(/\/$/, "")) : await benchLocal();
console.table(
  rows.map((r) => ({
    scenario: r.scenario,
    adapter: r.adapter,
    build: r.build,
    cache: r.cache,
    dispatch: r.dispatch ?? "",
    "CPU ms/req": r.cpuMsPerRequest ?? "n/a",
    "req/s": r.requestsPerSec,
    "p50 ms": r.p50,
    "p95 ms": r.p95,
    "p99 ms": r.p99,
    bytes: r.bytes,
    "gzip bytes": r.gzipBytes,
    failed: r.errors + r.non2xx,
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
const dashboard = (cache: "on" | "off") => rows.find((r) => r.scenario === "dashboard" && r.cache === cache && r.adapter !== "upstash" && r.build === "this");
const on = dashboard("on");
const off = dashboard("off");
const dashboardCacheRatio = on && off ? Math.round((on.requestsPerSec / off.requestsPerSec) * 100) / 100 : null;
if (dashboardCacheRatio !== null) console.log(`dashboard throughput, cache on / cache off: ${dashboardCacheRatio}x`);
// This build against the baseline, page by page and adapter by adapter (the same bursts, so the same machine).
const versusBaseline = rows
  .filter((r) => r.build === "this" && !r.dispatch?.startsWith("to") && r.cache === "on")
  .flatMap((r) => {
    const base = rows.find((b) => b.build === "baseline" && b.scenario === r.scenario && b.adapter === r.adapter);
    if (!base || !r.cpuMsPerRequest || !base.cpuMsPerRequest) return [];
    return [{ scenario: r.scenario, adapter: r.adapter, cpuRatio: Math.round((r.cpuMsPerRequest / base.cpuMsPerRequest) * 1000) / 1000, bytesRatio: Math.round((r.bytes / base.bytes) * 1000) / 1000, throughputRatio: Math.round((r.requestsPerSec / base.requestsPerSec) * 100) / 100 }];
  });
if (versusBaseline.length) {
  console.log(`this build / baseline (${args.baseline}):`);
  console.table(versusBaseline);
}
const database = process.env.DATABASE_URL ? "postgres" : "pglite";
const stripped = rows.map(({ latencies: _latencies, ...row }) => row);
console.log(`saved ${saveResults("bench", { connections, seconds, bursts, database, rows: stripped, versusBaseline, dashboardCacheRatio, createTaskP95Ratio })}`);
const failed = rows.reduce((n, r) => n + r.errors + r.non2xx, 0);
if (failed > 0) {
  console.error(`FAIL: ${failed} requests failed`);
  process.exitCode = 1;
}
