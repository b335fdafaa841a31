import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";

// PGlite has no locking of its own: two processes opening one data directory corrupt it. This lock file, holding the
// owner's pid, turns that mistake (say, `npm run db:seed` while `npm run dev` runs) into a clear error, and must hold
// when two processes start at the same instant (a dev server and a script, two e2e workers):
// - taking a free lock is one atomic step: the pid is written to a file of our own, then hard-linked to the lock's
//   name; link() fails with EEXIST when the name exists, so exactly one process wins, and the lock is never seen empty;
// - a lock left by a process that died (its pid is gone) is removed only under a second, short-lived lock (taken the
//   same way), after reading it again there: two processes that both found it stale cannot remove each other's fresh
//   lock. A takeover lock older than TAKEOVER_STALE_MS (its holder died within those few statements) is ignored.

const TAKEOVER_STALE_MS = 10_000;
const MAX_ATTEMPTS = 50;

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Options = { pid?: number; isAlive?: (pid: number) => boolean; describe?: string };

/** Creates `file` holding `content`, atomically, or returns false when it exists. */
function createExclusive(file: string, content: string, pid: number): boolean {
  const own = `${file}.${pid}.${process.hrtime.bigint()}.tmp`;
  writeFileSync(own, content, { mode: 0o600 });
  try {
    linkSync(own, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(own, { force: true });
  }
}

/** The pid in a lock file; null when it is gone; NaN when it holds no pid (not ours, not anyone's). */
function readHolder(file: string): number | null {
  try {
    const text = readFileSync(file, "utf8").trim();
    return /^\d+$/.test(text) ? Number(text) : Number.NaN;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes `lockFile` if it still names a dead process (or no process), under the takeover lock. */
function removeIfStale(lockFile: string, pid: number, isAlive: (pid: number) => boolean): void {
  const takeover = `${lockFile}.takeover`;
  if (!createExclusive(takeover, String(pid), pid)) {
    try {
      if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return; // Someone else is taking it over: try again from the start.
  }
  try {
    const holder = readHolder(lockFile);
    if (holder !== null && holder !== pid && !(holder > 0 && isAlive(holder))) rmSync(lockFile, { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}

/**
 * Takes the lock `lockFile` for this process, or throws DataDirLockedError naming the live process that holds it.
 * Returns the release function (which removes the file only while it is still ours).
 */
export function acquireDataDirLock(lockFile: string, { pid = process.pid, isAlive = isProcessAlive, describe = lockFile }: Options = {}): () => void {
  const release = () => {
    if (readHolder(lockFile) === pid) rmSync(lockFile, { force: true });
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(lockFile, String(pid), pid)) return release;
    const holder = readHolder(lockFile);
    if (holder === null) continue; // Released meanwhile.
    if (holder === pid) return release; // Ours already (an earlier handle of this process).
    if (holder > 0 && isAlive(holder)) {
      throw new DataDirLockedError(
        `The embedded database at ${describe} is in use by process ${holder} (is \`npm run dev\` running?). ` +
          `Stop that process first, or set DATABASE_URL to use a Postgres server. (Lock file: ${lockFile}.)`,
      );
    }
    removeIfStale(lockFile, pid, isAlive);
    if (attempt > 0) sleepSync(5 + Math.floor(Math.random() * 20));
  }
  throw new DataDirLockedError(`Could not take the lock ${lockFile} for the embedded database at ${describe}: other processes keep competing for it.`);
}
