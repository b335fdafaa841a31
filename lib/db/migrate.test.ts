import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";

// The migration runner (lib/db/migrate.ts) on migrations of the test's own, recorded in a schema of its own, on the
// test database: the embedded PGlite or, in .ci/run's real-services run, Postgres (where the lock tests need a second
// session to hold the lock).
const url = getEnv().DATABASE_URL;
if (!url) process.stdout.write("lib/db/migrate.test.ts: the lock-timeout tests need a second session on a Postgres server (DATABASE_URL), as in .ci/run's real-services run; skipped here\n");

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let counter = 0;
/** A migrations folder (journal + files) and the unique names its SQL uses. */
function migrations(files: ((names: { table: string }) => string)[]) {
  const id = `${process.pid}_${Date.now()}_${counter++}`;
  const table = `migrate_probe_${id}`;
  const dir = mkdtempSync(path.join(tmpdir(), "anatomy-migrations-"));
  mkdirSync(path.join(dir, "meta"));
  const entries = files.map((make, idx) => {
    const tag = `${String(idx).padStart(4, "0")}_step`;
    writeFileSync(path.join(dir, `${tag}.sql`), make({ table }));
    return { idx, version: "7", when: 1_700_000_000_000 + idx, tag, breakpoints: true };
  });
  writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries }));
  const schema = `migrations_${id}`;
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(async () => {
    await getDb().execute(sql.raw(`drop table if exists "${table}"`));
    await getDb().execute(sql.raw(`drop schema if exists "${schema}" cascade`));
  });
  return { dir, table, schema };
}

const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
const indexValid = async (name: string) =>
  rowsOf(await getDb().execute(sql`select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = ${name}`)).map((r) => r.valid);

describe("the migration runner", () => {
  it("applies each migration once, records it, and builds a CONCURRENTLY index outside a transaction", async () => {
    const m = migrations([
      ({ table }) => `CREATE TABLE "${table}" ("id" integer PRIMARY KEY, "a" text);--> statement-breakpoint\nINSERT INTO "${table}" VALUES (1, 'x'), (2, 'y');`,
      // In a transaction block Postgres refuses CONCURRENTLY: this passes only outside one.
      ({ table }) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${table}_a_idx" ON "${table}" ("a");`,
    ]);
    const lines: string[] = [];
    expect(await runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, log: (l) => lines.push(l) })).toEqual(["0000_step", "0001_step"]);
    expect(await indexValid(`${m.table}_a_idx`)).toEqual([true]);
    expect(lines.join("\n")).toMatch(/0001_step: outside a transaction/);
    const recorded = rowsOf(await getDb().execute(sql.raw(`select created_at from "${m.schema}".__drizzle_migrations order by created_at`)));
    expect(recorded.map((r) => Number(r.created_at))).toEqual([1_700_000_000_000, 1_700_000_000_001]);
    // Run again: nothing left to apply, nothing applied twice.
    expect(await runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, log: () => {} })).toEqual([]);
  });

  it("a failed migration changes nothing and is not recorded; the next run applies it", async () => {
    const m = migrations([
      ({ table }) => `CREATE TABLE "${table}" ("id" integer PRIMARY KEY);--> statement-breakpoint\nINSERT INTO "${table}" VALUES (1), (1);`,
    ]);
    await expect(runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, log: () => {} })).rejects.toThrow(/duplicate key/);
    expect(rowsOf(await getDb().execute(sql`select to_regclass(${m.table}) as t`))[0]!.t).toBeNull();
    writeFileSync(path.join(m.dir, "0000_step.sql"), `CREATE TABLE "${m.table}" ("id" integer PRIMARY KEY);`);
    expect(await runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, log: () => {} })).toEqual(["0000_step"]);
  });

  it("drops the INVALID index a failed concurrent build left, and builds it again", async () => {
    const m = migrations([
      ({ table }) => `CREATE TABLE "${table}" ("id" integer PRIMARY KEY, "a" text);--> statement-breakpoint\nINSERT INTO "${table}" VALUES (1, 'same'), (2, 'same');`,
      ({ table }) => `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "${table}_a_key" ON "${table}" ("a");`,
    ]);
    const options = { migrationsFolder: m.dir, migrationsSchema: m.schema, log: () => {} };
    await expect(runMigrations(getDbHandle(), options)).rejects.toThrow(/could not create unique index|duplicate/);
    // What a failed CONCURRENTLY build leaves: the index, INVALID, which IF NOT EXISTS alone would skip for ever.
    expect(await indexValid(`${m.table}_a_key`)).toEqual([false]);
    await getDb().execute(sql.raw(`update "${m.table}" set a = 'other' where id = 2`));
    expect(await runMigrations(getDbHandle(), options)).toEqual(["0001_step"]);
    expect(await indexValid(`${m.table}_a_key`)).toEqual([true]);
  });

  describe.skipIf(!url)("under a lock held by another session", () => {
    async function holdLock(table: string, forMs: number) {
      const other = postgres(url!, { max: 1, onnotice: () => {} });
      cleanups.push(() => other.end({ timeout: 5 }));
      const reserved = await other.reserve();
      await reserved.unsafe(`begin; lock table "${table}" in access exclusive mode`).simple();
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          void reserved.unsafe("rollback").simple().then(() => {
            reserved.release();
            resolve();
          });
        }, forMs),
      );
      cleanups.push(() => released);
      return { released };
    }

    it("gives up waiting after the lock timeout, and retries until the lock is free", async () => {
      const m = migrations([({ table }) => `CREATE TABLE "${table}" ("id" integer PRIMARY KEY);`]);
      await runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, log: () => {} });
      writeFileSync(path.join(m.dir, "0001_step.sql"), `ALTER TABLE "${m.table}" ADD COLUMN "b" text;`);
      const journal = path.join(m.dir, "meta", "_journal.json");
      writeFileSync(journal, JSON.stringify({ version: "7", dialect: "postgresql", entries: [0, 1].map((idx) => ({ idx, version: "7", when: 1_700_000_000_000 + idx, tag: `${String(idx).padStart(4, "0")}_step`, breakpoints: true })) }));

      // A transaction holds the table for 1.2 s: each attempt waits 200 ms at most, then pauses and tries again.
      const { released } = await holdLock(m.table, 1200);
      const lines: string[] = [];
      const started = Date.now();
      expect(await runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, lockTimeoutMs: 200, retries: 8, log: (l) => lines.push(l) })).toEqual(["0001_step"]);
      await released;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(lines.filter((l) => /waited more than 200 ms for a lock/.test(l)).length).toBeGreaterThanOrEqual(1);
      const columns = rowsOf(await getDb().execute(sql`select column_name from information_schema.columns where table_name = ${m.table} order by column_name`));
      expect(columns.map((c) => c.column_name)).toEqual(["b", "id"]);
    });

    it("out of retries: fails with the lock error, and the migration is neither applied nor recorded", async () => {
      const m = migrations([
        ({ table }) => `CREATE TABLE "${table}" ("id" integer PRIMARY KEY);`,
      ]);
      await runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, log: () => {} });
      writeFileSync(path.join(m.dir, "0001_step.sql"), `ALTER TABLE "${m.table}" ADD COLUMN "b" text;`);
      writeFileSync(path.join(m.dir, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries: [0, 1].map((idx) => ({ idx, version: "7", when: 1_700_000_000_000 + idx, tag: `${String(idx).padStart(4, "0")}_step`, breakpoints: true })) }));
      const { released } = await holdLock(m.table, 1500);
      const started = Date.now();
      await expect(runMigrations(getDbHandle(), { migrationsFolder: m.dir, migrationsSchema: m.schema, lockTimeoutMs: 200, retries: 1, log: () => {} })).rejects.toMatchObject({ code: "55P03" });
      // Two attempts of 200 ms and a pause of 500 ms: well before the lock is released.
      expect(Date.now() - started).toBeLessThan(1400);
      await released;
      expect(rowsOf(await getDb().execute(sql.raw(`select count(*)::int as n from "${m.schema}".__drizzle_migrations`)))[0]!.n).toBe(1);
      const columns = rowsOf(await getDb().execute(sql`select column_name from information_schema.columns where table_name = ${m.table}`));
      expect(columns.map((c) => c.column_name)).toEqual(["id"]);
    });
  });
});
