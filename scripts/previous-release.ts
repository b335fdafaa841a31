/**
 * The previous release on the new schema: the proof that applying this commit's migrations never breaks the instances
 * still running the code before them (a rolling or blue-green deploy runs both at once; a rollback runs the old code on
 * the new schema). docs/deploy.md, "Migrations".
 *
 *   npm run test:previous-release                 the commit before the newest change to drizzle/
 *   npm run test:previous-release -- --commit <sha>
 *
 * It checks that commit out beside this one (git worktree), installs and builds it, migrates a fresh database on the
 * Postgres of DATABASE_URL with *this* commit's migrations, starts the old build on it and runs this commit's smoke
 * tests (e2e/smoke.spec.ts, signing a user up too) against it. Exit 1 when a smoke test fails.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { startServer, type ServerHandle } from "../bench/lib";

const { values: args } = parseArgs({ options: { commit: { type: "string" }, port: { type: "string", default: "3471" } } });
const root = process.cwd();
const log = (line: string) => console.log(`[previous-release] ${line}`);
const git = (...argv: string[]) => execFileSync("git", argv, { cwd: root, encoding: "utf8" }).trim();

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("previous-release: DATABASE_URL must point at a Postgres server (a database of its own is created there)");
  process.exit(2);
}

const newest = git("log", "-1", "--format=%H", "--", "drizzle/");
const commit = args.commit ?? `${newest}^`;
let sha: string;
try {
  sha = git("rev-parse", "--verify", `${commit}^{commit}`);
} catch {
  console.error(`previous-release: ${commit} is not in this clone's history (a shallow clone?): fetch it first (git fetch --unshallow)`);
  process.exit(2);
}
const changed = git("diff", "--name-only", sha, "HEAD", "--", "drizzle/").split("\n").filter((f) => f.endsWith(".sql"));
log(`previous release: ${sha.slice(0, 10)} (${git("log", "-1", "--format=%s", sha).slice(0, 90)})`);
log(`migrations it has not seen: ${changed.length ? changed.map((f) => path.basename(f)).join(", ") : "none"}`);

const dir = mkdtempSync(path.join(tmpdir(), "anatomy-previous-"));
const database = `anatomy_previous_${process.pid}`;
const admin = postgres(url.replace(/\/[^/?]*(\?|$)/, "/postgres$1"), { max: 1, onnotice: () => {} });
let server: ServerHandle | undefined;
let failed = true;
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function step(what: string, command: string, argv: string[], options: { cwd: string; env?: Record<string, string> }) {
  log(`${what} (${seconds()})`);
  const result = spawnSync(command, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status})`);
}

try {
  git("worktree", "add", "--detach", dir, sha);
  // The same lockfile and patches: this checkout's node_modules, hard-linked (a second of copying, not a minute of npm ci).
  const sameDependencies = spawnSync("git", ["diff", "--quiet", sha, "HEAD", "--", "package-lock.json", "patches/"], { cwd: root }).status === 0;
  if (sameDependencies && existsSync(path.join(root, "node_modules"))) {
    step("node_modules of this checkout, hard-linked (same lockfile)", "cp", ["-al", path.join(root, "node_modules"), path.join(dir, "node_modules")], { cwd: dir });
  } else {
    step("npm ci in the previous release", "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  }
  step("next build of the previous release", "npm", ["run", "build"], { cwd: dir, env: { NEXT_TELEMETRY_DISABLED: "1" } });

  await admin.unsafe(`create database "${database}"`);
  const databaseUrl = url.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
  step("this commit's migrations on a fresh database", "npm", ["run", "db:migrate"], { cwd: root, env: { DATABASE_URL: databaseUrl } });

  log(`starting the previous release on the new schema (${seconds()})`);
  server = await startServer({
    port: Number(args.port),
    dataDir: path.join(dir, ".data"),
    cwd: dir,
    env: { DATABASE_URL: databaseUrl, ANATOMY_DEV_MAILBOX: "1", LOG_LEVEL: "warn", DATABASE_REPLICA_URLS: "", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" },
  });
  const health = await fetch(`${server.url}/api/health`).then((r) => r.status, () => 0);
  if (health !== 200) throw new Error(`the previous release did not start on the new schema (health ${health})`);

  const smoke = spawnSync("npx", ["playwright", "test", "--project", "smoke", "--reporter", "list"], {
    cwd: root,
    env: { ...process.env, E2E_BASE_URL: server.url, SMOKE_SIGN_UP: "1" },
    stdio: "inherit",
  });
  failed = smoke.status !== 0;
  log(`${failed ? "FAILED" : "ok"}: this commit's smoke tests against ${sha.slice(0, 10)} on the schema of ${git("rev-parse", "--short", "HEAD")} (${changed.length} migration(s) newer than it), in ${seconds()}`);
} catch (error) {
  log(`FAILED: ${(error as Error).message}`);
} finally {
  await server?.stop();
  await admin.unsafe(`drop database if exists "${database}" with (force)`).catch(() => {});
  await admin.end({ timeout: 5 });
  try {
    git("worktree", "remove", "--force", dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
