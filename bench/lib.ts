import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";

// Shared pieces of the bench/ scripts: start the built app, sign in over HTTP, load a URL, print figures.

export type ServerHandle = { url: string; stop: () => Promise<void>; cpuSeconds: () => number; rssBytes: () => number };

/**
 * `nodeArgs` run the server as `node <nodeArgs> next start` in one process (e.g. --inspect), instead of through npx.
 * `cwd`: another built checkout of the app (the bench's --baseline), instead of this one.
 */
export async function startServer(opts: { port: number; dataDir: string; env?: Record<string, string>; nodeArgs?: string[]; cwd?: string }): Promise<ServerHandle> {
  const url = `http://127.0.0.1:${opts.port}`;
  // A server left over from an earlier run would be measured instead of this one (and its CPU read from nothing).
  const leftover = await fetch(`${url}/api/health`).then(
    () => true,
    () => false,
  );
  if (leftover) throw new Error(`port ${opts.port} is already serving: stop the earlier server first`);
  const [command, args] = opts.nodeArgs
    ? [process.execPath, [...opts.nodeArgs, "node_modules/next/dist/bin/next", "start", "--port", String(opts.port)]]
    : ["npx", ["next", "start", "--port", String(opts.port)]];
  const child: ChildProcess = spawn(command, args, {
    cwd: opts.cwd,
    env: {
      ...process.env,
      NODE_ENV: "production",
      ANATOMY_EMBEDDED: "1",
      ANATOMY_DATA_DIR: opts.dataDir,
      APP_URL: url,
      // The load generator connects straight to the server: its socket is the client address.
      TRUSTED_PROXY_HOPS: "0",
      LOG_LEVEL: "info",
      ...opts.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    cpuSeconds: () => processGroupCpuSeconds(child.pid!),
    rssBytes: () => processGroupRssBytes(child.pid!),
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

/**
 * CPU time (user + system) used so far by every process of a process group, from /proc (Linux): the server's cost of
 * a load, without the load generator that shares the machine. Throughput moves with whatever else runs on the two
 * cores; CPU per request barely does. NaN where /proc is missing.
 */
export function processGroupCpuSeconds(pgid: number): number {
  const group = processGroup(pgid);
  if (!group) return Number.NaN;
  let ticks = 0;
  // Fields after the command name (which may hold spaces), from field 3 on: state, ppid, pgrp, ..., utime (14), stime (15).
  for (const { fields } of group) ticks += Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of every process of a process group (the server's, without the load generator's); NaN without /proc. */
export function processGroupRssBytes(pgid: number): number {
  const group = processGroup(pgid);
  if (!group) return Number.NaN;
  let bytes = 0;
  // Field 24 of /proc/<pid>/stat: rss, in pages.
  for (const { fields } of group) bytes += Number(fields[21]) * PAGE_BYTES;
  return bytes;
}

/**
 * CPU time used so far by the child processes of `parentPid` — a local Postgres's postmaster: its backends and
 * workers, the database's cost of a load. A child that exits takes its time with it, so measure across a pool's
 * long-lived connections. NaN without /proc.
 */
export function childProcessesCpuSeconds(parentPid: number): number {
  const children = processesWhere((fields) => Number(fields[1]) === parentPid);
  if (!children) return Number.NaN;
  let ticks = 0;
  for (const { fields } of children) ticks += Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** The parent of a process (from /proc), or undefined when it cannot be read (another machine's pid). */
export function parentPidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The processes of a process group with their /proc/<pid>/stat fields from field 3 on; null without /proc. */
function processGroup(pgid: number): { pid: string; fields: string[] }[] | null {
  return processesWhere((fields) => Number(fields[2]) === pgid);
}

function processesWhere(match: (fields: string[]) => boolean): { pid: string; fields: string[] }[] | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const group: { pid: string; fields: string[] }[] = [];
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (match(fields)) group.push({ pid, fields });
  }
  return group;
}

// The page size of x86-64 and arm64 Linux as Node runs there (getconf PAGESIZE).
const PAGE_BYTES = 4096;

// USER_HZ: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** Signs in through Auth.js's credentials endpoint; returns the Cookie header of the session. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/app` }),
  });
  const session = res.headers.getSetCookie().find((c) => c.includes("session-token"));
  if (!session) throw new Error(`sign-in failed for ${email} (status ${res.status})`);
  return session.split(";")[0]!;
}

// Latencies in ms from every response's own time (autocannon's summary has no p95).
export type LoadResult = {
  requestsPerSec: number;
  p50: number;
  p90: number;
  p95: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  /** Every response's time in ms, sorted (only with keepLatencies: to merge the percentiles of several bursts). */
  latencies?: number[];
};

export type LoadOptions = {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: "GET" | "POST";
  body?: string;
  keepLatencies?: boolean;
};

export async function load(url: string, opts: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: opts.connections, duration: opts.seconds, headers: opts.headers, method: opts.method ?? "GET", body: opts.body },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
  times.sort((a, b) => a - b);
  const at = (q: number) => percentile(times, q);
  return {
    requestsPerSec: round(result.requests.total / opts.seconds),
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p97_5: at(0.975),
    p99: at(0.99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    ...(opts.keepLatencies && { latencies: times }),
  };
}

/** The q-quantile (0–1) of sorted latencies, rounded to 0.1 ms. */
export function percentile(sorted: number[], q: number): number {
  return sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!) : 0;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Totals from /api/metrics: SQL statements issued and HTTP requests handled so far (for queries per request). */
export async function scrapeCounters(baseUrl: string, token: string): Promise<{ queries: number; requests: number }> {
  const res = await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`/api/metrics answered ${res.status}: is METRICS_TOKEN right?`);
  const text = await res.text();
  const sum = (name: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return { queries: sum("db_queries_total"), requests: sum("http_server_request_duration_seconds_count") };
}

export type Seeded = { orgSlug: string; orgId: string; projectId: string; userId: string; teammateId: string };

/**
 * Creates a user with an organization, a project of `tasks` tasks and a few small projects, in the database the
 * environment names (DATABASE_URL, or the embedded one in `dataDir`). Runs the app's own services, so the rows are
 * what the app would write; the big task list is inserted in bulk.
 */
export async function seed(opts: { email: string; password: string; tasks: number; dataDir?: string }): Promise<Seeded> {
  if (opts.dataDir) process.env.ANATOMY_DATA_DIR = opts.dataDir;
  const { resetEnvForTests } = await import("@/lib/env");
  resetEnvForTests();
  const { registerUser } = await import("@/lib/auth/account");
  // Events the seed queues (the verification email) leave from this process, as from a server.
  const { installEventSender } = await import("@/lib/inngest/start");
  installEventSender();
  const { closeDb, getDb, getDbHandle } = await import("@/lib/db/client");
  const { migrateDatabase } = await import("@/lib/db/migrate");
  const { createProject } = await import("@/lib/projects/projects");
  const { createTask } = await import("@/lib/projects/tasks");
  const { memberships, organizations, tasks, users } = await import("@/db/schema");
  const { eq } = await import("drizzle-orm");
  if (opts.dataDir) await migrateDatabase(getDbHandle());
  const { userId, orgSlug } = await registerUser({ input: { name: "Bench User", email: opts.email, password: opts.password } });
  const [org] = await getDb().select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, orgSlug));
  if (!org) throw new Error("seeded organization not found");
  const actor = { userId };
  // A teammate to assign tasks to: an assignment by someone else queues an email job (the dispatch benchmark).
  const [teammate] = await getDb()
    .insert(users)
    .values({ name: "Bench Teammate", email: `teammate-${Date.now()}@example.test`, emailVerified: new Date() })
    .returning({ id: users.id });
  await getDb().insert(memberships).values({ orgId: org.id, userId: teammate!.id, role: "member" });
  const big = await createProject({ actor, input: { orgId: org.id, name: "Bench project" } });
  const statuses = ["todo", "in_progress", "done"] as const;
  for (let start = 0; start < opts.tasks; start += 500) {
    const rows = Array.from({ length: Math.min(500, opts.tasks - start) }, (_, i) => ({
      orgId: org.id,
      projectId: big.id,
      title: `Seeded task ${start + i + 1}`,
      status: statuses[(start + i) % 3]!,
      createdById: userId,
    }));
    await getDb().insert(tasks).values(rows);
  }
  for (let p = 0; p < 3; p++) {
    const project = await createProject({ actor, input: { orgId: org.id, name: `Project ${p}` } });
    for (let t = 0; t < 5; t++) {
      await createTask({ actor, input: { orgId: org.id, projectId: project.id, title: `Task ${p}-${t}`, status: statuses[t % 3] } });
    }
  }
  // The sign-up queued its welcome email: let that job finish before closing, or it would reopen the database.
  const { drainJobs } = await import("@/lib/testing/jobs");
  await drainJobs();
  await closeDb();
  return { orgSlug, orgId: org.id, projectId: big.id, userId, teammateId: teammate!.id };
}

/** The pre-1k-task seed the instrumentation bench uses (an org with a few projects and tasks). */
export async function seedEmbedded(dataDir: string, email: string, password: string): Promise<{ orgSlug: string }> {
  return seed({ email, password, tasks: 0, dataDir });
}

export function freshDataDir(name: string): string {
  const dir = path.resolve(`.data-bench-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function saveResults(name: string, data: unknown): string {
  const dir = path.resolve("bench/results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

/**
 * Stands in for Inngest's event API (what the app's client posts to with INNGEST_DEV=1 and INNGEST_BASE_URL): accepts
 * every event and counts them. The bench uses it to time the request path as in production, where the jobs run
 * elsewhere, without running them on the machine under test.
 */
export async function startFakeInngest(port: number): Promise<{ url: string; received: () => number; stop: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let ids: string[] = [];
      if (req.method === "POST" && req.url?.startsWith("/e/")) {
        const body = JSON.parse(Buffer.concat(chunks).toString() || "[]") as { id?: string }[] | { id?: string };
        const events = Array.isArray(body) ? body : [body];
        received += events.length;
        ids = events.map((e, i) => e.id ?? String(i));
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ids, status: 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, received: () => received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A Chrome DevTools protocol session with a server started with `--inspect=127.0.0.1:<port>` (startServer's
 * nodeArgs): full GCs for the memory bench, CPU profiles for the profile bench. Needs WebSocket (Node 20:
 * --experimental-websocket).
 */
export async function connectInspector(inspectPort: number): Promise<{ call: (method: string, params?: object) => Promise<unknown>; close: () => void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      socket.addEventListener("message", function onMessage(event) {
        const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return;
        socket.removeEventListener("message", onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => socket.close() };
}

/**
 * A bench that starts servers of its own: an error thrown where no await catches it (a load generator callback), or a
 * stop from outside (.ci/run's timeout, Ctrl-C), still runs `cleanUp` (nginx and the instances run in process groups
 * of their own, so they must be stopped here, and the database dropped) and exits 1.
 */
export function cleanUpOnAbort(cleanUp: () => Promise<void>): void {
  process.once("uncaughtException", (error) => {
    console.error(error);
    void cleanUp().finally(() => process.exit(1));
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping the cluster`);
      void cleanUp().finally(() => process.exit(1));
    });
  }
}
