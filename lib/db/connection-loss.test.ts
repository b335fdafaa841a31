import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearDatabaseUnavailable } from "@/lib/db/availability";
import { openPostgres, type DbHandle } from "@/lib/db/client";
import { getEnv, resetEnvForTests } from "@/lib/env";

// A connection whose server session ends while a transaction still uses it (a restart, a failover, an operator's
// pg_terminate_backend). postgres.js 3.4.9 then wrote to the closed socket from an Immediate: an uncaught TypeError,
// and the connection kept a stale write timer, so its next startup message was never sent and every later use of it
// failed with CONNECT_TIMEOUT against a server that was up (porsager/postgres#1208). patches/postgres+3.4.9.patch
// fixes both; this fails without it.
const url = getEnv().DATABASE_URL;
if (!url) process.stdout.write("lib/db/connection-loss.test.ts: skipped: it needs a Postgres server (DATABASE_URL), as in .ci/run's real-services run\n");

const handles: DbHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  vi.unstubAllEnvs();
  resetEnvForTests();
  clearDatabaseUnavailable();
});

describe.skipIf(!url)("a connection lost inside a transaction", () => {
  it("fails that transaction cleanly, and the pool's next query connects again at once", async () => {
    vi.stubEnv("DATABASE_CONNECT_TIMEOUT_SECONDS", "2");
    resetEnvForTests();
    const handle = openPostgres(url!, 1, { probeEveryMs: 100 });
    handles.push(handle);
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => void uncaught.push(error);
    process.prependListener("uncaughtException", onUncaught);
    try {
      const lost = await handle.db
        .transaction(async (tx) => {
          const [row] = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[];
          await admin`select pg_terminate_backend(${row!.pid})`;
          await new Promise((resolve) => setTimeout(resolve, 200));
          await tx.execute(sql`select 1`);
        })
        .then(
          () => "committed",
          (error: unknown) => (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code,
        );
      expect(lost).toMatch(/^(CONNECTION_CLOSED|57P01|ECONNRESET)$/);
      // postgres.js ends the transaction when its connection closes, while the callback still runs: its next statement
      // goes to the closed connection (before anything else reconnects it).
      await new Promise((resolve) => setTimeout(resolve, 400));

      // The pool's only connection is used again: a fresh session within a second, not a connect timeout.
      const started = performance.now();
      await expect.poll(async () => handle.db.execute(sql`select 1 as ok`).then(() => "ok", (e: unknown) => String((e as { code?: string }).code ?? e)), { timeout: 1500, interval: 150 }).toBe("ok");
      expect(performance.now() - started).toBeLessThan(1500);
      expect(uncaught).toEqual([]);
    } finally {
      process.removeListener("uncaughtException", onUncaught);
      await admin.end({ timeout: 1 });
    }
  });
});
