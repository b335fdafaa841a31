import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { processState } from "@/lib/runtime/process-state";

// One registry per process (processState): Next loads instrumentation.ts, route handlers and pages as separate
// module graphs, and they must all write to (and /api/metrics read from) the same metrics.
// Names and labels follow Prometheus conventions; label values are bounded (route patterns, never raw paths or ids).

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: "http_server_request_duration_seconds",
      help: "Duration of HTTP responses (pages, server actions, route handlers, redirects; not build assets), by route pattern, method and status class (or aborted).",
      labelNames: ["route", "method", "status_class"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: "http_server_errors_total",
      help: "Requests that failed with an unhandled error (onRequestError) or a 5xx status, by route pattern.",
      labelNames: ["route", "kind"] as const,
      registers: [registry],
    }),
    dbQueryDuration: new Histogram({
      name: "db_query_duration_seconds",
      help: "Duration of SQL statements, by operation (driver round trip, rows included).",
      labelNames: ["operation"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    dbQueriesInFlight: new Gauge({
      name: "db_client_queries_in_flight",
      help: "SQL statements currently waiting for the database (compare with DATABASE_POOL_MAX).",
      registers: [registry],
    }),
    dbQueriesRefused: new Counter({
      name: "db_client_queries_refused_total",
      help: "Statements and transactions the pool gate refused without sending, by reason: saturated (DATABASE_POOL_QUEUE_LIMIT already waiting for a connection) or unavailable (the database unreachable, not yet answering a probe).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    dbReads: new Counter({
      name: "db_reads_total",
      help: "Statements of lag-tolerant reads (getReadDb), by where they ran and why: replica, caught_up (a replica past the reader's last write), own_write, replica_behind, replica_down, replica_failed, outside_request",
      labelNames: ["target", "reason"] as const,
      registers: [registry],
    }),
    dbReplicaUp: new Gauge({
      name: "db_replica_up",
      help: "1 when the read replica answers its poll within the timeout and lags less than the bound, else 0 (skipped)",
      labelNames: ["replica"] as const,
      registers: [registry],
    }),
    dbReplicaLagSeconds: new Gauge({
      name: "db_replica_lag_seconds",
      help: "How long the primary has had WAL the replica has not replayed, in seconds (0 when caught up)",
      labelNames: ["replica"] as const,
      registers: [registry],
    }),
    dbReplicaLagBytes: new Gauge({
      name: "db_replica_lag_bytes",
      help: "Bytes of WAL the replica has yet to replay (the primary's position minus the replica's)",
      labelNames: ["replica"] as const,
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: "cache_requests_total",
      help: "Cache lookups by cache name and result (hit, miss, or error: the store failed and the caller fell back).",
      labelNames: ["cache", "result"] as const,
      registers: [registry],
    }),
    rateLimitDecisions: new Counter({
      name: "rate_limit_decisions_total",
      help: "Rate-limit checks by policy and outcome (allowed, limited, error: the store failed and the request was let through).",
      labelNames: ["policy", "outcome"] as const,
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "job_runs_total",
      help: "Background function runs by function and outcome (completed, failed: retries exhausted, retried: an attempt failed and will be retried).",
      labelNames: ["function", "status"] as const,
      registers: [registry],
    }),
    jobRunDuration: new Histogram({
      name: "job_run_duration_seconds",
      help: "Wall time of background function runs from first attempt to completion or final failure, by function.",
      labelNames: ["function", "status"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: "outbox_backlog",
      help: "Outbox events not yet handed to Inngest (read from the database at scrape time; the same for every instance).",
      registers: [registry],
    }),
    outboxDeadLetter: new Gauge({
      name: "outbox_dead_letter",
      help: "Outbox events dead-lettered after OUTBOX_MAX_ATTEMPTS failed hand-overs, waiting for a retry from /admin/jobs (read at scrape time).",
      registers: [registry],
    }),
    outboxDeadLettered: new Counter({
      name: "outbox_dead_lettered_total",
      help: "Outbox events this instance dead-lettered (their last allowed hand-over to Inngest failed).",
      registers: [registry],
    }),
    outboxOldestPending: new Gauge({
      name: "outbox_oldest_pending_seconds",
      help: "Age of the oldest outbox event not yet handed to Inngest (0 when none).",
      registers: [registry],
    }),
    dbQueries: new Counter({
      name: "db_queries_total",
      help: "SQL statements issued by the app, by operation.",
      labelNames: ["operation"] as const,
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof create>;
const store = processState("observability.metrics", (): { metrics?: Metrics } => ({}));

export function getMetrics(): Metrics {
  store.metrics ??= create();
  return store.metrics;
}

export function statusClass(status: number | undefined): string {
  return status && status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "unknown";
}

const operations = new Set(["select", "insert", "update", "delete", "with"]);

/** The bounded label for a SQL statement: its leading keyword. */
export function sqlOperation(statement: string): string {
  const word = /^\s*(\w+)/.exec(statement)?.[1]?.toLowerCase() ?? "other";
  return operations.has(word) ? word : "other";
}
