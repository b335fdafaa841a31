import "server-only";
import { withReplicas } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import * as schema from "@/db/schema";
import { getDb, getDbHandle, queryLogger, type Db } from "@/lib/db/client";
import { connectionFailure } from "@/lib/db/database-errors";
import { formatLsn, parseLsn } from "@/lib/db/lsn";
import { installWriteTracking, requestScope, wroteDuring, type ReadScope } from "@/lib/db/read-your-writes";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";
import { processState } from "@/lib/runtime/process-state";

// Read replicas (DATABASE_REPLICA_URLS), with read-your-writes by WAL position.
//
// - Reads that tolerate lag ask for getReadDb(): its selects go to a replica, everything else (writes, transactions)
//   to the primary (drizzle's withReplicas). getDb() stays the primary: jobs, services that read to write, and every
//   read that fills a shared cache (a cache filled from a replica behind the write that invalidated it would keep the
//   old value until the next invalidation).
// - Read-your-writes, exactly: after a request writes (a committed transaction or a write statement on the primary),
//   the primary's WAL position (pg_current_wal_insert_lsn()) goes into a short-lived cookie, and the rest of that request reads
//   the primary. A later request of that browser reads a replica only once that replica has replayed past the position
//   (pg_last_wal_replay_lsn(), polled every DATABASE_REPLICA_POLL_MS), else the primary. Nothing is guessed from time.
// - A replica that does not answer the poll within DATABASE_REPLICA_TIMEOUT_MS, fails a read (the read is re-run on
//   the primary), or lags more than DATABASE_REPLICA_MAX_LAG_SECONDS is skipped until a poll finds it well again.
// - Outside a request (scripts, jobs Inngest calls) reads go to the primary. Jobs the in-process executor starts from
//   a request run in that request's context: jobs use getDb(), never getReadDb().

const log = logger.child({ module: "db" });

export type ReplicaState = {
  name: string;
  client: Sql;
  db: Db;
  up: boolean;
  replayLsn: bigint | undefined;
  lagBytes: number;
  lagSeconds: number;
  error: string | undefined;
};

type ReplicaSet = { replicas: ReplicaState[]; readDb: Db; stop: () => Promise<void>; poll: () => Promise<void> };

const store = processState("db.replicas", (): { replicas?: ReplicaSet | null } => ({}));

let turn = 0;

/** Which replica may serve a read of this request (undefined: the primary), and why. */
export function chooseReplica(replicas: ReplicaState[], scope: ReadScope): { replica: ReplicaState | undefined; reason: string } {
  if (!scope) return { replica: undefined, reason: "outside_request" };
  if (wroteDuring(scope.requestId)) return { replica: undefined, reason: "own_write" };
  const up = replicas.filter((r) => r.up);
  if (up.length === 0) return { replica: undefined, reason: "replica_down" };
  const mustSee = scope.mustSee;
  const ready = mustSee === undefined ? up : up.filter((r) => r.replayLsn !== undefined && r.replayLsn >= mustSee);
  if (ready.length === 0) return { replica: undefined, reason: "replica_behind" };
  return { replica: ready[turn++ % ready.length], reason: mustSee === undefined ? "replica" : "caught_up" };
}

type Pending = { values: () => Promise<unknown>; then: Promise<unknown>["then"] };

/** On the primary's pool, through its gate (the queue bound, failing fast while it is unreachable). */
function onPrimary<T>(exec: (client: Sql) => Promise<T>): Promise<T> {
  const { client, gate } = getDbHandle();
  if (!client) throw new Error("Read replicas need a Postgres primary (DATABASE_URL).");
  return gate ? gate.run(() => exec(client)) : exec(client);
}

function isRecoveryConflict(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "40001") return true;
  }
  return false;
}

/**
 * A stand-in for a postgres.js client that picks, per statement, a replica or the primary (drizzle calls `unsafe` and
 * awaits it or its `values()`): the choice needs the request's cookie, which only an async API gives.
 */
function routingClient(replicas: ReplicaState[]): Sql {
  const metrics = getMetrics();
  const run = async <T>(exec: (client: Sql) => Promise<T>): Promise<T> => {
    const { replica, reason } = chooseReplica(replicas, await requestScope());
    metrics.dbReads.inc({ target: replica ? "replica" : "primary", reason });
    if (!replica) return onPrimary(exec);
    try {
      return await exec(replica.client);
    } catch (error) {
      const failure = connectionFailure(error);
      // Reads are safe to repeat: the primary answers this one. A replica that failed to answer waits for the next
      // good poll; a read cancelled by a conflict with recovery (40001: replay needed what it was reading) is a
      // hot standby's normal business and only this read moves.
      if (failure) markDown(replica, `${failure.code}: ${error instanceof Error ? error.message : String(error)}`);
      else if (!isRecoveryConflict(error)) throw error;
      metrics.dbReads.inc({ target: "primary", reason: "replica_failed" });
      return onPrimary(exec);
    }
  };
  const client = {
    options: { parsers: {}, serializers: {} },
    unsafe(query: string, params?: unknown[], options?: unknown): Pending {
      const pending = (c: Sql) => c.unsafe(query, params as never, options as never);
      return {
        values: () => run((c) => pending(c).values()),
        then: (onFulfilled, onRejected) => run((c) => pending(c)).then(onFulfilled, onRejected),
      };
    },
    begin() {
      throw new Error("Transactions run on the primary: use getDb().");
    },
  };
  return client as unknown as Sql;
}

function markDown(replica: ReplicaState, error: string): void {
  if (replica.up) log.warn({ replica: replica.name, error }, "read replica skipped until it answers again");
  replica.up = false;
  replica.error = error;
  getMetrics().dbReplicaUp.set({ replica: replica.name }, 0);
}

function replicaName(url: string, index: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}`;
  } catch {
    return `replica-${index + 1}`;
  }
}

function openReplicaSet(urls: string[]): ReplicaSet {
  const env = getEnv();
  const metrics = getMetrics();
  const replicas: ReplicaState[] = urls.map((url, i) => {
    const client = postgres(url, {
      max: env.DATABASE_POOL_MAX,
      onnotice: () => {},
      connect_timeout: env.DATABASE_CONNECT_TIMEOUT_SECONDS,
      connection: { statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS },
      backoff: (failures: number) => Math.min(0.1 * 2 ** failures, 1),
    });
    return {
      name: replicaName(url, i),
      client,
      db: drizzle(client, { schema }) as unknown as Db,
      // Unknown until the first poll: reads go to the primary meanwhile.
      up: false,
      replayLsn: undefined,
      lagBytes: 0,
      lagSeconds: 0,
      error: "not polled yet",
    };
  });
  const routed = drizzle(routingClient(replicas), { schema, logger: queryLogger }) as unknown as Db;
  const readDb = withReplicas(getDb() as never, [routed as never], () => routed as never) as unknown as Db;

  // When the primary's WAL position was first seen at each value (polled; oldest first, kept a little longer than the
  // lag bound): a replica's lag is how long the primary has had WAL the replica has not replayed. A replica that lacks
  // even the oldest position seen is behind by an unknown amount (at start, or past what is kept): not used.
  const history: { at: number; lsn: bigint }[] = [];
  const keepMs = Math.max(120, env.DATABASE_REPLICA_MAX_LAG_SECONDS + 10) * 1000;
  const lagSince = (replayLsn: bigint, now: number): number => {
    const missing = history.findIndex((h) => h.lsn > replayLsn);
    if (missing === -1) return 0;
    return missing === 0 ? Number.POSITIVE_INFINITY : (now - history[missing]!.at) / 1000;
  };
  let polling: Promise<void> | undefined;
  const pollOnce = async () => {
    let primaryLsn: bigint | undefined;
    const now = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      primaryLsn = await Promise.race([
        primaryWalPosition(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("the primary did not answer")), env.DATABASE_REPLICA_TIMEOUT_MS);
        }),
      ]);
      if (primaryLsn !== undefined && (history.length === 0 || history.at(-1)!.lsn < primaryLsn)) history.push({ at: now, lsn: primaryLsn });
      while (history.length > 1 && history[1]!.at < now - keepMs) history.shift();
    } catch {
      // The primary is the pool gate's business; lag stays as last measured.
    } finally {
      clearTimeout(timer);
    }
    await Promise.all(
      replicas.map(async (replica) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          const [row] = await Promise.race([
            replica.client<{ recovery: boolean; lsn: string | null }[]>`select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as lsn`.execute(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${env.DATABASE_REPLICA_TIMEOUT_MS} ms`)), env.DATABASE_REPLICA_TIMEOUT_MS);
            }),
          ]);
          if (!row?.recovery) throw new Error("not in recovery: it is no replica (promoted?)");
          const replayLsn = parseLsn(row.lsn);
          if (replayLsn === undefined) throw new Error("no replay position yet");
          const lagBytes = primaryLsn !== undefined && primaryLsn > replayLsn ? Number(primaryLsn - replayLsn) : 0;
          const lagSeconds = lagSince(replayLsn, now);
          Object.assign(replica, { replayLsn, lagBytes, lagSeconds });
          metrics.dbReplicaLagBytes.set({ replica: replica.name }, lagBytes);
          metrics.dbReplicaLagSeconds.set({ replica: replica.name }, Number.isFinite(lagSeconds) ? lagSeconds : (now - history[0]!.at) / 1000);
          if (lagSeconds > env.DATABASE_REPLICA_MAX_LAG_SECONDS) {
            markDown(
              replica,
              Number.isFinite(lagSeconds)
                ? `${lagSeconds.toFixed(1)} s behind (more than ${env.DATABASE_REPLICA_MAX_LAG_SECONDS} s)`
                : "behind by more than it has been watched for (catching up)",
            );
            return;
          }
          if (!replica.up) log.info({ replica: replica.name, lsn: replayLsn === undefined ? null : formatLsn(replayLsn) }, "read replica in use");
          replica.up = true;
          replica.error = undefined;
          metrics.dbReplicaUp.set({ replica: replica.name }, 1);
        } catch (error) {
          markDown(replica, error instanceof Error ? error.message : String(error));
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  };
  const poll = () => (polling ??= pollOnce().finally(() => (polling = undefined)));
  const timer = setInterval(() => void poll(), env.DATABASE_REPLICA_POLL_MS);
  timer.unref?.();
  void poll();
  return {
    replicas,
    readDb,
    poll,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(replicas.map((r) => r.client.end({ timeout: 5 })));
    },
  };
}

/**
 * The primary's current WAL insert position: after a commit returned, at or past its commit record (also with
 * synchronous_commit off, where the commit may not be written out yet and pg_current_wal_lsn() could trail it).
 */
async function primaryWalPosition(): Promise<bigint | undefined> {
  if (!getDbHandle().client) return undefined;
  const [row] = await onPrimary((client) => client<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`.execute());
  return parseLsn(row?.lsn);
}

function replicaSet(): ReplicaSet | undefined {
  if (store.replicas === undefined) {
    const env = getEnv();
    store.replicas = env.DATABASE_URL && env.DATABASE_REPLICA_URLS.length > 0 ? openReplicaSet(env.DATABASE_REPLICA_URLS) : null;
    if (store.replicas) installWriteTracking(primaryWalPosition);
  }
  return store.replicas ?? undefined;
}

/**
 * The database for reads that tolerate replica lag (lists, feeds, search): a replica that has replayed this browser's
 * last write, else the primary. Without replicas, the primary. Never for reads that fill a shared cache.
 */
export function getReadDb(): Db {
  return replicaSet()?.readDb ?? getDb();
}

/** The replicas and what the last poll found (the System page, readiness). Empty without replicas. */
export function replicaStatus(): { name: string; up: boolean; lagSeconds: number; lagBytes: number; error: string | undefined }[] {
  return (replicaSet()?.replicas ?? []).map(({ name, up, lagSeconds, lagBytes, error }) => ({ name, up, lagSeconds, lagBytes, error }));
}

/** Tests: poll the replicas now. */
export async function pollReplicasNow(): Promise<void> {
  await replicaSet()?.poll();
}

export async function closeReplicas(): Promise<void> {
  const set = store.replicas;
  store.replicas = undefined;
  await set?.stop();
}
