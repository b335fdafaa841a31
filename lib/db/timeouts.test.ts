import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openPostgres, type DbHandle } from "@/lib/db/client";
import { databaseBusy } from "@/lib/db/database-errors";
import { getEnv, resetEnvForTests } from "@/lib/env";

// The pool's server-side limits (lib/db/client.ts): Postgres enforces them, so they need a Postgres server; the
// embedded PGlite has no other sessions to wait for.
const url = getEnv().DATABASE_URL;
if (!url) process.stdout.write("lib/db/timeouts.test.ts skipped: statement and lock timeouts need a Postgres server (DATABASE_URL), as in .ci/run's real-services run\n");

const handles: DbHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  vi.unstubAllEnvs();
  resetEnvForTests();
});

function pool(env: Record<string, string>, timeouts = true) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  resetEnvForTests();
  const handle = openPostgres(url!, 2, { timeouts });
  handles.push(handle);
  return handle.db;
}

describe.skipIf(!url)("database timeouts", () => {
  it("a query running past DATABASE_STATEMENT_TIMEOUT_MS is cut, and the action says the database is busy", async () => {
    const db = pool({ DATABASE_STATEMENT_TIMEOUT_MS: "200" });
    const started = Date.now();
    const error = await db.execute(sql`select pg_sleep(2)`).then(() => null, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(databaseBusy(error)).toBe("timeout");
    // Migrations run without it.
    await expect(pool({ DATABASE_STATEMENT_TIMEOUT_MS: "200" }, false).execute(sql`select pg_sleep(0.4)`)).resolves.toBeDefined();
  });

  it("waiting on a row lock past DATABASE_LOCK_TIMEOUT_MS fails at once with a lock error", async () => {
    const db = pool({ DATABASE_LOCK_TIMEOUT_MS: "200", DATABASE_STATEMENT_TIMEOUT_MS: "5000" });
    const table = `lock_probe_${process.pid}_${Date.now()}`;
    await db.execute(sql.raw(`create table ${table} (id int primary key); insert into ${table} values (1)`));
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const holder = db.transaction(async (tx) => {
        await tx.execute(sql.raw(`select * from ${table} where id = 1 for update`));
        await held;
      });
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const error = await db.execute(sql.raw(`update ${table} set id = 1 where id = 1`)).then(() => null, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(databaseBusy(error)).toBe("lock");
      release();
      await holder;
    } finally {
      await db.execute(sql.raw(`drop table ${table}`));
    }
  });

  it("a transaction left open past DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS is ended by the server", async () => {
    const db = pool({ DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "300" });
    const error = await db
      .transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await new Promise((r) => setTimeout(r, 800)); // a request stuck between two statements
        await tx.execute(sql`select 1`);
      })
      .then(() => null, (e: unknown) => e);
    expect(error).toBeTruthy();
    // The pool replaces the connection the server closed: the next query works.
    await expect(db.execute(sql`select 1`)).resolves.toBeDefined();
  });
});
