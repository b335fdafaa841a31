import { execFile, spawnSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// A PostgreSQL cluster of the harness's own (initdb in a temporary directory, its own port): one the fault proofs can
// stop and restart, and stream from, without touching the machine's shared server. Debian's binaries
// (/usr/lib/postgresql/<version>/bin, or PG_BIN); run as the postgres user when this process is root (initdb refuses
// root).

export type PrivatePostgres = {
  port: number;
  dataDir: string;
  /** A connection URL for `database` on this cluster. */
  url: (database: string) => string;
  createDatabase: (name: string) => void;
  /**
   * `fast`: open connections are cut, as in a restart or failover. Both run pg_ctl without blocking this process (a
   * load generator in it keeps running while the server stops and starts).
   */
  stop: (mode?: "fast" | "immediate") => Promise<void>;
  start: () => Promise<void>;
  /** Stops it and removes its directory. */
  destroy: () => void;
};

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("PostgreSQL's server binaries were not found: install postgresql or set PG_BIN");
  return path.join(root, versions[0]!, "bin");
}

const asRoot = process.getuid?.() === 0;

function runAsync(bin: string, args: string[], what: string): Promise<void> {
  const command = asRoot ? "runuser" : bin;
  const argv = asRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  return new Promise((resolve, reject) => {
    execFile(command, argv, { cwd: tmpdir() }, (error, stdout, stderr) => (error ? reject(new Error(`${what} failed: ${stderr || stdout || error.message}`)) : resolve()));
  });
}

function run(bin: string, args: string[], what: string): string {
  const command = asRoot ? "runuser" : bin;
  const argv = asRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  const result = spawnSync(command, argv, { encoding: "utf8", cwd: tmpdir() });
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr || result.stdout || result.error}`);
  return result.stdout;
}

/** initdb + start on `port` (127.0.0.1 only, trust auth: a throwaway cluster on a test machine). */
export function startPrivatePostgres(opts: { port: number; log: (line: string) => void }): PrivatePostgres {
  const bin = binDir();
  const dataDir = ownedTempDir(`anatomy-pg-${opts.port}-`);
  run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], "initdb");
  // Throwaway data: no fsync (a clean shutdown still writes everything). Enough connections for instances that each
  // keep a pool (and reconnect after a restart); WAL senders for replicas.
  writeSettings(dataDir, opts.port, ["max_connections = 300", "fsync = off", "full_page_writes = off", "shared_buffers = 128MB", "wal_level = replica", "max_wal_senders = 5"]);
  const server = serverIn(bin, dataDir, opts.port, opts.log);
  server.startNow();
  opts.log(`private Postgres on 127.0.0.1:${opts.port} (${dataDir})`);
  return server;
}

/**
 * A streaming replica of the Postgres on `primaryPort` (pg_basebackup -R), started on `port`, hot standby. It
 * applies what it receives `applyDelayMs` late (recovery_min_apply_delay): a replica that is behind on purpose, so that
 * read-your-writes is tested against real lag. The primary must allow replication connections from 127.0.0.1 (initdb's
 * default pg_hba does; Debian's needs `host replication all 127.0.0.1/32 trust`).
 */
export function startStreamingReplica(opts: { primaryPort: number; port: number; applyDelayMs?: number; log: (line: string) => void }): PrivatePostgres {
  const bin = binDir();
  const dataDir = ownedTempDir(`anatomy-replica-${opts.port}-`);
  run(path.join(bin, "pg_basebackup"), ["-h", "127.0.0.1", "-p", String(opts.primaryPort), "-U", "postgres", "-D", dataDir, "-R", "-X", "stream", "--checkpoint=fast"], "pg_basebackup");
  // Debian keeps postgresql.conf and pg_hba.conf in /etc: a copy of its data directory has neither, and the server
  // needs both (an empty configuration; local trust, as on this test machine).
  const files: Record<string, string> = {
    "postgresql.conf": "",
    "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n",
  };
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dataDir, name);
    if (existsSync(file)) continue;
    writeFileSync(file, content);
    if (asRoot) chownSync(file, uid("postgres"), gid("postgres"));
  }
  writeSettings(dataDir, opts.port, ["hot_standby = on", "max_connections = 300", `recovery_min_apply_delay = '${opts.applyDelayMs ?? 0}ms'`]);
  const server = serverIn(bin, dataDir, opts.port, opts.log);
  server.startNow();
  opts.log(`streaming replica of :${opts.primaryPort} on 127.0.0.1:${opts.port}, applying ${opts.applyDelayMs ?? 0} ms late (${dataDir})`);
  return server;
}

function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  if (asRoot) chownSync(dir, uid("postgres"), gid("postgres"));
  return dir;
}

/** Appended to postgresql.auto.conf: later lines win over what a base backup copied from its primary. */
function writeSettings(dataDir: string, port: number, settings: string[]): void {
  const lines = [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dataDir}'`, ...settings];
  appendFileSync(path.join(dataDir, "postgresql.auto.conf"), `\n# scripts/cluster/postgres.ts\n${lines.join("\n")}\n`);
}

function serverIn(bin: string, dataDir: string, port: number, log: (line: string) => void): PrivatePostgres & { startNow: () => void } {
  const pgCtl = path.join(bin, "pg_ctl");
  const startArgs = ["-D", dataDir, "-l", path.join(dataDir, "server.log"), "-w", "-t", "60", "start"];
  const stopArgs = (mode: "fast" | "immediate") => ["-D", dataDir, "-m", mode, "-w", "-t", "60", "stop"];
  const psql = (sql: string) => run(path.join(bin, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-c", sql], "psql");
  let running = false;
  return {
    port,
    dataDir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => void psql(`CREATE DATABASE "${name}"`),
    startNow: () => {
      run(pgCtl, startArgs, `starting Postgres on ${port}`);
      running = true;
    },
    stop: async (mode = "fast") => {
      await runAsync(pgCtl, stopArgs(mode), `stopping Postgres on ${port}`);
      running = false;
    },
    start: async () => {
      await runAsync(pgCtl, startArgs, `starting Postgres on ${port}`);
      running = true;
    },
    destroy: () => {
      if (running) {
        try {
          run(pgCtl, stopArgs("immediate"), `stopping Postgres on ${port}`);
        } catch (error) {
          log(`stopping the Postgres on ${port}: ${String(error)}`);
        }
      }
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Stops (immediate) the server whose data directory this is, if it runs. */
export function stopServerIn(dataDir: string, log: (line: string) => void): void {
  try {
    run(path.join(binDir(), "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "-t", "60", "stop"], `stopping the Postgres in ${dataDir}`);
  } catch (error) {
    log(String(error));
  }
}

function uid(user: string): number {
  return Number(spawnSync("id", ["-u", user], { encoding: "utf8" }).stdout.trim());
}
function gid(user: string): number {
  return Number(spawnSync("id", ["-g", user], { encoding: "utf8" }).stdout.trim());
}
