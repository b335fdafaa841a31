import { readFileSync } from "node:fs";
import path from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { PGlite } from "@electric-sql/pglite";
import { ensureActivityPartitions } from "@/lib/db/activity-partitions";
import type { DbHandle } from "@/lib/db/client";
import { logger } from "@/lib/observability/logger";

// The migration runner (docs/database.md, "Migrations that do not lock a live table"). It reads drizzle-kit's journal
// and records what it applied in drizzle's own table (drizzle.__drizzle_migrations: same hash and created_at), so a
// database migrated by drizzle's migrator carries on where it stopped. What it adds:
// - every migration waits at most `lockTimeoutMs` for a lock (Postgres's lock_timeout), and is retried after a pause
//   when it gave up: a migration queued behind a long transaction would otherwise hold every query that comes after it
//   on the same table for as long as it waits;
// - one migration per transaction, and a migration with a CONCURRENTLY statement (an index built or dropped, a partition
//   detached without blocking) runs outside any transaction, statement by statement, as Postgres requires; such a
//   migration must be safe to run again (IF NOT EXISTS, IF EXISTS: the lint checks it), and an index a failed
//   concurrent build left INVALID is dropped before the build is retried;
// - an advisory lock: two deploys that migrate at once run one after the other.

const migrationsFolder = path.join(process.cwd(), "drizzle");
// Any 64-bit key of our own; pg_locks shows it while a migration runs.
const ADVISORY_LOCK_KEY = 7_242_001_001;
const LOCK_NOT_AVAILABLE = "55P03";

export type MigrateOptions = {
  migrationsFolder?: string;
  /** How long one statement may wait for a lock before the attempt is given up (0: no limit). */
  lockTimeoutMs?: number;
  /** Attempts after the first, spaced 0.5 s, 1 s, 2 s… (at most 10 s). */
  retries?: number;
  log?: (line: string) => void;
  /** Where the applied migrations are recorded (drizzle's default; tests use their own). */
  migrationsSchema?: string;
};

/** One connection: statements in order, session settings kept. */
type Session = { run: (statement: string) => Promise<Record<string, unknown>[]>; release: () => Promise<void> };

async function openSession(handle: DbHandle): Promise<Session> {
  if (handle.kind === "pglite") {
    const client = (handle.db as unknown as { $client: PGlite }).$client;
    return {
      run: async (statement) => {
        const results = await client.exec(statement);
        return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
      },
      release: async () => {},
    };
  }
  if (!handle.client) throw new Error("migrate: a Postgres handle without its client");
  const reserved = await handle.client.reserve();
  return {
    // The simple protocol: a chunk of a migration may hold several statements (a DO block, a function and its call).
    run: async (statement) => [...(await reserved.unsafe(statement).simple())] as Record<string, unknown>[],
    release: async () => reserved.release(),
  };
}

// The statements Postgres refuses in a transaction block; the lint (scripts/migration-lint.ts) reads the same ones with
// Postgres's parser and asks that each sit alone between breakpoints and that the file be safe to run again.
const CONCURRENT = /\b(?:(?:create\s+(?:unique\s+)?index|drop\s+index|reindex\s+(?:\(\s*[^)]*\)\s*)?(?:index|table|schema|database|system))\s+concurrently|detach\s+partition\s+\S+\s+concurrently|refresh\s+materialized\s+view\s+concurrently)\b/i;
const isConcurrent = (statement: string) => CONCURRENT.test(statement.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''"));
const tagOf = (folderMillis: number, tags: Map<number, string>) => tags.get(folderMillis) ?? String(folderMillis);

/** Applies the committed migrations in drizzle/ and makes sure the upcoming activity partitions exist. */
export async function migrateDatabase(handle: DbHandle, options: MigrateOptions = {}): Promise<void> {
  await runMigrations(handle, options);
  await ensureActivityPartitions(handle.db);
}

/** The migrations of `migrationsFolder` not yet applied, each under a lock timeout, retried when it runs out. */
export async function runMigrations(handle: DbHandle, options: MigrateOptions = {}): Promise<string[]> {
  const folder = options.migrationsFolder ?? migrationsFolder;
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  const retries = options.retries ?? 10;
  const log = options.log ?? ((line: string) => logger.info({ module: "migrate" }, line));
  const schema = `"${(options.migrationsSchema ?? "drizzle").replace(/"/g, '""')}"`;
  const table = `${schema}.__drizzle_migrations`;
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const journal = readFileSync(path.join(folder, "meta/_journal.json"), "utf8");
  const tags = new Map((JSON.parse(journal) as { entries: { when: number; tag: string }[] }).entries.map((e) => [e.when, e.tag]));

  const session = await openSession(handle);
  const applied: string[] = [];
  try {
    // Polled, not a blocking pg_advisory_lock: a second migrator waiting inside that call holds a snapshot, which the
    // first one's CREATE INDEX CONCURRENTLY would wait for (a deadlock).
    for (let waited = 0; ; waited++) {
      const [got] = await session.run(`select pg_try_advisory_lock(${ADVISORY_LOCK_KEY}) as locked`);
      if (got?.locked === true) break;
      if (waited % 30 === 0) log(`another migration is running (advisory lock ${ADVISORY_LOCK_KEY}): waiting for it`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await session.run(`set lock_timeout = ${lockTimeoutMs}; set statement_timeout = 0`);
    await session.run(`create schema if not exists ${schema}`);
    await session.run(`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`);
    const [last] = await session.run(`select created_at from ${table} order by created_at desc limit 1`);
    const lastMillis = last ? Number(last.created_at) : -1;

    const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
      for (let n = 0; ; n++) {
        try {
          return await work();
        } catch (error) {
          if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || n >= retries) throw error;
          const pause = Math.min(500 * 2 ** n, 10_000);
          log(`${what}: waited more than ${lockTimeoutMs} ms for a lock (another transaction holds the table); attempt ${n + 2} of ${retries + 1} in ${pause} ms`);
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    };
    const record = (m: (typeof migrations)[number]) =>
      `insert into ${table} ("hash", "created_at") values ('${m.hash}', ${Number(m.folderMillis)})`;

    for (const migration of migrations) {
      if (migration.folderMillis <= lastMillis) continue;
      const tag = tagOf(migration.folderMillis, tags);
      const statements = migration.sql.filter((s) => s.replace(/--[^\n]*/g, "").trim() !== "");
      if (!statements.some(isConcurrent)) {
        await attempt(tag, async () => {
          await session.run("begin");
          try {
            for (const statement of statements) await session.run(statement);
            await session.run(record(migration));
            await session.run("commit");
          } catch (error) {
            await session.run("rollback");
            throw error;
          }
        });
      } else {
        log(`${tag}: outside a transaction (it builds, drops or detaches CONCURRENTLY), statement by statement`);
        for (const [index, statement] of statements.entries()) {
          // A concurrent build or detach waits for the transactions older than it (lock waits that block nobody else):
          // under the lock timeout any transaction older than it would cancel the build, often at its very end.
          const concurrent = isConcurrent(statement);
          if (concurrent) await session.run("set lock_timeout = 0");
          try {
            await attempt(`${tag}, statement ${index + 1}`, async () => {
              await dropInvalidIndex(session, statement);
              await session.run(statement);
            });
          } finally {
            if (concurrent) await session.run(`set lock_timeout = ${lockTimeoutMs}`);
          }
        }
        await session.run(record(migration));
      }
      applied.push(tag);
      log(`${tag}: applied`);
    }
  } finally {
    await session.run(`select pg_advisory_unlock(${ADVISORY_LOCK_KEY})`).catch(() => {});
    await session.run(`reset lock_timeout; reset statement_timeout`).catch(() => {});
    await session.release();
  }
  return applied;
}

/**
 * A concurrent index build that failed (a lock timeout, a duplicate in a unique index, a cancelled deploy) leaves its
 * index behind, INVALID: never used by queries, still paid for by every write, and skipped by IF NOT EXISTS. Dropped
 * before the build is tried again.
 */
async function dropInvalidIndex(session: Session, statement: string): Promise<void> {
  const match = /create\s+(?:unique\s+)?index\s+concurrently\s+(?:if\s+not\s+exists\s+)?"?([A-Za-z0-9_]+)"?/i.exec(statement.replace(/--[^\n]*/g, ""));
  if (!match) return;
  const name = match[1]!.replace(/'/g, "''");
  const [invalid] = await session.run(`select 1 as found from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = '${name}' and not i.indisvalid`);
  if (invalid) await session.run(`drop index concurrently if exists "${match[1]}"`);
}
