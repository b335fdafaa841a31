import "server-only";
import { PgPreparedQuery } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { clearDatabaseUnavailable, markDatabaseUnavailable, UNAVAILABLE_WINDOW_MS } from "@/lib/db/availability";
import { connectionFailure, databaseRefusal, markDatabaseFailure } from "@/lib/db/database-errors";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";

// Every use of a postgres.js pool passes this gate: a statement outside a transaction, and a whole transaction (it
// holds its connection from `begin` to `commit`; the statements inside it wait for nothing and are not counted).
// Two things are refused at once, without touching the pool:
// - one more, when `queueLimit` already wait for a connection (all `max` in use): postgres.js would queue without
//   bound, and every request behind them would wait; refused as "busy", and pages answer 503 for a moment.
// - anything, while the database is unreachable: from the first connection that could not be made (refused, timed
//   out, the server shutting down or starting) until the gate's own probe, one `select 1` a window, gets an answer.
//   Requests fail in microseconds instead of each waiting for its own failed attempt, and no request of a user is the
//   one that finds out whether the database is back.
// Both also mark the database unavailable process-wide (lib/db/availability.ts), for proxy.ts.

export type PoolGate = {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Statements and transactions in progress or waiting for a connection. */
  readonly active: number;
  /** The pool is closing: no more probes. */
  stop(): void;
};

type GateOptions = {
  max: number;
  queueLimit: number;
  /** Asks the database something small over the pool itself, bypassing the gate. */
  probe: () => Promise<unknown>;
  /** How long a probe may take before it counts as failed (a connection attempt is bounded by the connect timeout). */
  probeTimeoutMs: number;
  windowMs?: number;
};

const log = logger.child({ module: "db" });

export function createPoolGate({ max, queueLimit, probe, probeTimeoutMs, windowMs = UNAVAILABLE_WINDOW_MS }: GateOptions): PoolGate {
  let active = 0;
  let unreachable = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const scheduleProbe = () => {
    timer = setTimeout(() => void runProbe(), windowMs);
    timer.unref?.();
  };

  async function runProbe() {
    timer = undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => (deadline = setTimeout(() => reject(new Error("The probe timed out.")), probeTimeoutMs))),
      ]);
      if (stopped) return;
      unreachable = false;
      clearDatabaseUnavailable();
      log.info("database reachable again");
    } catch {
      if (stopped) return;
      markDatabaseUnavailable("unavailable", { held: true }); // the window now says when the next probe is due
      scheduleProbe();
    } finally {
      clearTimeout(deadline);
    }
  }

  return {
    get active() {
      return active;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (unreachable) clearDatabaseUnavailable();
    },
    async run(fn) {
      if (unreachable) {
        getMetrics().dbQueriesRefused.inc({ reason: "unavailable" });
        throw databaseRefusal("unavailable", "The database could not be reached and has not answered a probe since.");
      }
      if (queueLimit > 0 && active - max >= queueLimit) {
        getMetrics().dbQueriesRefused.inc({ reason: "saturated" });
        if (markDatabaseUnavailable("saturated")) log.warn({ active, max, queueLimit }, "database pool saturated: refusing queries");
        throw databaseRefusal("saturated", `The database pool is saturated: ${active - max} queries already waiting for a connection.`);
      }
      active++;
      try {
        return await fn();
      } catch (error) {
        const failure = connectionFailure(error);
        if (failure) markDatabaseFailure(error, "unavailable");
        // Only a connection that could not be made (or a server saying it is going away) counts: one lost connection
        // is replaced by the next query, which finds out whether the server is really gone.
        if (failure?.unreachable && !unreachable && !stopped) {
          unreachable = true;
          markDatabaseUnavailable("unavailable", { held: true });
          log.warn({ code: failure.code, probeEveryMs: windowMs }, "database unreachable: refusing queries until a probe answers");
          scheduleProbe();
        }
        throw error;
      } finally {
        active--;
      }
    },
  };
}

type QueryWithCache = (this: unknown, queryString: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;
const GATE = Symbol.for("anatomy.poolGate");
const INSTALLED = Symbol.for("anatomy.poolGateInstalled");
type Gated = { [GATE]?: PoolGate };

/** Puts every statement drizzle sends through `client` outside a transaction, and every transaction, behind `gate`. */
export function gatePool(client: Sql, gate: PoolGate): void {
  installQueryGate();
  (client as Sql & Gated)[GATE] = gate;
  // drizzle's db.transaction() calls client.begin; the `begin` statement does not go through queryWithCache.
  const begin = client.begin.bind(client) as (...args: unknown[]) => Promise<unknown>;
  client.begin = ((...args: unknown[]) => gate.run(() => begin(...args))) as Sql["begin"];
}

// Every drizzle statement goes through PgPreparedQuery.queryWithCache; its `client` is the pool for a statement of
// its own, and a transaction's connection inside db.transaction() (not gated: it already holds its connection).
function installQueryGate(): void {
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: QueryWithCache; [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const original = proto.queryWithCache;
  proto.queryWithCache = function (queryString, params, query) {
    const gate = (this as { client?: Gated }).client?.[GATE];
    return gate ? gate.run(() => original.call(this, queryString, params, query)) : original.call(this, queryString, params, query);
  };
}
