import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import * as schema from "@/db/schema";
import { UNAVAILABLE_WINDOW_MS } from "@/lib/db/availability";
import { acquireDataDirLock } from "@/lib/db/data-dir-lock";
import { instrumentQueries } from "@/lib/db/instrument-queries";
import { createPoolGate, gatePool, type PoolGate } from "@/lib/db/pool-gate";
import { recordQuery } from "@/lib/db/query-counter";
import { getEnv } from "@/lib/env";
import { getMetrics, sqlOperation } from "@/lib/observability/metrics";
import { processState } from "@/lib/runtime/process-state";

type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

instrumentQueries("postgresql");

/** Counts each statement drizzle sends (the query budget tests, db_queries_total), whichever database runs it. */
export const queryLogger = {
  logQuery(query: string, params: unknown[]) {
    recordQuery(query, params);
    getMetrics().dbQueries.inc({ operation: sqlOperation(query) });
  },
};

/** `client`: the postgres.js pool behind `db`, and `gate` the pool gate every use of it passes (Postgres only). */
export type DbHandle = { db: Db; kind: "pglite" | "postgres"; close: () => Promise<void>; client?: Sql; gate?: PoolGate };

// Once per process: Next bundles route handlers, pages and instrumentation separately, and dev reloads modules;
// there must still be exactly one PGlite instance (one writer per data directory) or one pool per process.
const store = processState("db", (): { db?: DbHandle } => ({}));

/**
 * `timeouts: false` for migrations: a CREATE INDEX on a large table may rightly take longer than any request should.
 * `probeEveryMs`: how often an unreachable database is probed (lib/db/pool-gate.ts); tests shorten it.
 */
export function openPostgres(url: string, max = getEnv().DATABASE_POOL_MAX, { timeouts = true, probeEveryMs = UNAVAILABLE_WINDOW_MS } = {}): DbHandle {
  const env = getEnv();
  // Sent as startup parameters of every connection: they hold for each statement and transaction, whatever runs it.
  const connection = timeouts
    ? {
        statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
        lock_timeout: env.DATABASE_LOCK_TIMEOUT_MS,
        idle_in_transaction_session_timeout: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      }
    : {};
  // postgres.js connects lazily, so opening never blocks.
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: env.DATABASE_CONNECT_TIMEOUT_SECONDS,
    connection,
    // Before connecting again after a failure postgres.js waits (0.5–1) × 3^n / 100 s, n the failures in a row: after
    // seven, 10–20 s, so the probe that should find a restarted Postgres back waited that long. The pool gate already
    // spaces the attempts while the database is down (one probe a window), so the wait stops growing at a second.
    backoff: (failures: number) => Math.min(0.1 * 2 ** failures, 1),
  });
  // Bounds the wait for a connection and fails fast while the database is unreachable (lib/db/pool-gate.ts).
  const gate = createPoolGate({
    max,
    queueLimit: env.DATABASE_POOL_QUEUE_LIMIT,
    probe: () => client`select 1`.execute(),
    probeTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000 + 1000,
    windowMs: probeEveryMs,
  });
  gatePool(client, gate);
  // Queries still running get five seconds, then their connections are destroyed: a connection that lost its server
  // mid-query and has not reconnected since keeps that query as its own, and end() would wait for it for ever
  // (porsager/postgres#1097).
  return {
    db: drizzlePostgres(client, { schema, logger: queryLogger }) as unknown as Db,
    kind: "postgres",
    client,
    gate,
    close: async () => {
      gate.stop();
      await client.end({ timeout: 5 });
    },
  };
}

/** PGlite in-process; `dataDir` undefined keeps it in memory (tests), optionally starting from a dumped template. */
export function openPglite(dataDir: string | undefined, options: { loadDataDir?: Blob } = {}): DbHandle {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true }); // PGlite's own mkdir is not recursive.
    // PGlite has no locking of its own: two processes on one data directory corrupt it (lib/db/data-dir-lock.ts).
    unlock = acquireDataDirLock(`${dataDir}.lock`, { describe: dataDir });
  }
  // pg_trgm: the index behind task title search (drizzle/0007_task_counts_and_search.sql), as on a Postgres server.
  const client = new PGlite({ dataDir, loadDataDir: options.loadDataDir, extensions: { pg_trgm } });
  return {
    db: drizzlePglite(client, { schema, logger: queryLogger }) as unknown as Db,
    kind: "pglite",
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

export function getDbHandle(): DbHandle {
  if (!store.db) {
    const env = getEnv();
    store.db = env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(path.join(env.dataDir, "pglite"));
  }
  return store.db;
}

/** The primary database: postgres.js when DATABASE_URL is set, otherwise embedded PGlite under the data directory. */
export function getDb(): Db {
  return getDbHandle().db;
}

/** Tests and scripts: make this handle the process-wide database. */
export function setDbHandle(handle: DbHandle | undefined): void {
  store.db = handle;
}

export async function closeDb(): Promise<void> {
  const handle = store.db;
  store.db = undefined;
  await handle?.close();
}
