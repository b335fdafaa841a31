import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError } from "@/lib/db/data-dir-lock";

// The embedded database's lock: one holder, even when processes start at the same instant.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempLock() {
  const dir = mkdtempSync(path.join(tmpdir(), "anatomy-lock-"));
  dirs.push(dir);
  return path.join(dir, "pglite.lock");
}

const moduleUrl = new URL("./data-dir-lock.ts", import.meta.url).pathname;

/**
 * `n` separate Node processes, loaded and waiting, each told at once to take the lock `file`, for every file of
 * `files` in turn (one round each: the race window is short, so one round alone could pass by luck). Every process
 * stays alive to the end (a holder that exited would leave a stale lock that the next one rightly takes over).
 * Returns, per round, how many took the lock and how many were told it is in use.
 */
async function race(files: string[], n: number) {
  const script = `
    import { createInterface } from "node:readline";
    import { acquireDataDirLock } from ${JSON.stringify(moduleUrl)};
    createInterface({ input: process.stdin }).on("line", (file) => {
      let outcome;
      try {
        acquireDataDirLock(file);
        outcome = "acquired";
      } catch (error) {
        outcome = error.name === "DataDirLockedError" ? "locked" : "error:" + error.message;
      }
      process.stdout.write(outcome + "\\n");
    });
    process.stdout.write("ready\\n");
  `;
  const children = Array.from({ length: n }, () => spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "pipe"] }));
  try {
    const next = children.map((child) => {
      const lines: string[] = [];
      const waiting: ((line: string) => void)[] = [];
      let partial = "";
      let err = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split("\n");
        partial = parts.pop()!;
        lines.push(...parts);
        while (lines.length > 0 && waiting.length > 0) waiting.shift()!(lines.shift()!);
      });
      child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("close", () => waiting.splice(0).forEach((resolve) => resolve(`error:${err}`)));
      return () => new Promise<string>((resolve) => (lines.length > 0 ? resolve(lines.shift()!) : waiting.push(resolve)));
    });
    expect(await Promise.all(next.map((line) => line()))).toEqual(Array(n).fill("ready"));
    const rounds = [];
    for (const file of files) {
      for (const child of children) child.stdin!.write(`${file}\n`);
      const outcomes = await Promise.all(next.map((line) => line()));
      rounds.push({
        acquired: outcomes.filter((o) => o === "acquired").length,
        locked: outcomes.filter((o) => o === "locked").length,
        errors: outcomes.filter((o) => o.startsWith("error")),
      });
    }
    return rounds;
  } finally {
    for (const child of children) child.kill();
  }
}

/** A pid that belongs to no running process. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return pid;
    }
  }
}

describe("acquireDataDirLock", () => {
  it("6 processes starting together: exactly one takes the lock, the others are told who holds it (40 rounds)", { timeout: 60_000 }, async () => {
    const files = Array.from({ length: 40 }, () => tempLock());
    expect(await race(files, 6)).toEqual(Array(40).fill({ acquired: 1, locked: 5, errors: [] }));
  });

  it("6 processes finding the lock of a dead process: exactly one takes it over (40 rounds)", { timeout: 60_000 }, async () => {
    const files = Array.from({ length: 40 }, () => tempLock());
    const dead = deadPid();
    for (const file of files) writeFileSync(file, String(dead));
    expect(await race(files, 6)).toEqual(Array(40).fill({ acquired: 1, locked: 5, errors: [] }));
  });

  it("refuses a lock held by a live process, naming it; takes over a dead one; releases only its own", () => {
    const lockFile = tempLock();
    const live = acquireDataDirLock(lockFile, { pid: 111, isAlive: () => true });
    expect(readFileSync(lockFile, "utf8")).toBe("111");
    expect(() => acquireDataDirLock(lockFile, { pid: 222, isAlive: (pid) => pid !== 222 })).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(lockFile, { pid: 222, isAlive: () => true })).toThrow(/in use by process 111/);

    // 111 died: 222 takes over; 111's late release does not remove 222's lock.
    const release222 = acquireDataDirLock(lockFile, { pid: 222, isAlive: (pid) => pid !== 111 });
    expect(readFileSync(lockFile, "utf8")).toBe("222");
    live();
    expect(readFileSync(lockFile, "utf8")).toBe("222");
    release222();
    expect(readdirSync(path.dirname(lockFile))).toEqual([]); // no lock, no temporary or takeover files left
  });

  it("treats a lock file without a pid as stale, and its own pid as its own", () => {
    const lockFile = tempLock();
    writeFileSync(lockFile, "");
    const release = acquireDataDirLock(lockFile, { pid: 333 });
    expect(readFileSync(lockFile, "utf8")).toBe("333");
    expect(() => acquireDataDirLock(lockFile, { pid: 333 })).not.toThrow();
    release();
  });
});
