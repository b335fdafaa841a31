import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";

// Shared pieces of the bench/ scripts: start the built app, sign in over HTTP, load a URL, print figures.

export type ServerHandle = { url: string; stop: () => Promise<void> };

export async function startServer(opts: { port: number; dataDir: string; env?: Record<string, string> }): Promise<ServerHandle> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child: ChildProcess = spawn("npx", ["next", "start", "--port", String(opts.port)], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      ANATOMY_EMBEDDED: "1",
      ANATOMY_DATA_DIR: opts.dataDir,
      APP_URL: url,
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

// Latency percentiles in ms, as autocannon reports them (it has p90 and p97.5, no p95).
export type LoadResult = { requestsPerSec: number; p50: number; p90: number; p97_5: number; p99: number; errors: number; non2xx: number; total: number };

export async function load(url: string, opts: { connections: number; seconds: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const result = await autocannon({ url, connections: opts.connections, duration: opts.seconds, headers: opts.headers });
  return {
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** Creates a user with an organization (and a few projects and tasks) in the embedded database at `dataDir`. */
export async function seedEmbedded(dataDir: string, email: string, password: string): Promise<{ orgSlug: string }> {
  process.env.ANATOMY_DATA_DIR = dataDir;
  const { registerUser } = await import("@/lib/auth/account");
  const { closeDb, getDbHandle } = await import("@/lib/db/client");
  const { migrateDatabase } = await import("@/lib/db/migrate");
  const { createProject } = await import("@/lib/projects/projects");
  const { createTask } = await import("@/lib/projects/tasks");
  const { resetEnvForTests } = await import("@/lib/env");
  resetEnvForTests();
  await migrateDatabase(getDbHandle());
  const { userId, orgSlug } = await registerUser({ input: { name: "Bench User", email, password } });
  const { organizations } = await import("@/db/schema");
  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/lib/db/client");
  const [org] = await getDb().select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, orgSlug));
  if (!org) throw new Error("seeded organization not found");
  for (let p = 0; p < 3; p++) {
    const project = await createProject({ actor: { userId }, input: { orgId: org.id, name: `Project ${p}` } });
    for (let t = 0; t < 20; t++) {
      await createTask({ actor: { userId }, input: { orgId: org.id, projectId: project.id, title: `Task ${p}-${t}`, status: ["todo", "in_progress", "done"][t % 3] } });
    }
  }
  await closeDb();
  return { orgSlug };
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
