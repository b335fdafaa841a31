import "server-only";
import type { MetricValue } from "prom-client";
import { replicaStatus } from "@/lib/db/replicas";
import { getEnv } from "@/lib/env";
import { getJobMode, type JobMode } from "@/lib/jobs/client";
import { countFailedRunsSince } from "@/lib/jobs/job-runs";
import { getOutboxBacklog } from "@/lib/jobs/outbox";
import { getMetrics } from "@/lib/observability/metrics";
import { checkReadiness, type Readiness } from "@/lib/observability/readiness";
import { processState } from "@/lib/runtime/process-state";

// What an operator looks at first, computed from this instance's own metrics. The last hour comes from snapshots
// of the cumulative counters taken every SAMPLE_MS (kept once per process, like the registry). Across several
// instances this is one instance's view; the fleet view is the Grafana dashboard in ops/.

const SAMPLE_MS = 30_000;
const WINDOW_MS = 60 * 60 * 1000;

type Totals = { requests: number; serverErrors: number; dbQueries: number };
type Snapshot = Totals & { at: number };

const store = processState("observability.systemOverview", (): { snapshots?: Snapshot[]; sampler?: NodeJS.Timeout } => ({}));

function sum(values: MetricValue<string>[], predicate: (v: MetricValue<string>) => boolean): number {
  return values.filter(predicate).reduce((total, v) => total + v.value, 0);
}

async function readTotals(): Promise<Totals> {
  const m = getMetrics();
  const [requests, queries] = await Promise.all([m.httpRequestDuration.get(), m.dbQueries.get()]);
  const counts = requests.values.filter((v) => v.metricName === "http_server_request_duration_seconds_count");
  return {
    requests: sum(counts, () => true),
    serverErrors: sum(counts, (v) => v.labels.status_class === "5xx"),
    dbQueries: sum(queries.values, () => true),
  };
}

async function takeSnapshot(): Promise<void> {
  const snapshots = (store.snapshots ??= []);
  snapshots.push({ at: Date.now(), ...(await readTotals()) });
  while (snapshots.length > 0 && snapshots[0]!.at < Date.now() - WINDOW_MS - SAMPLE_MS) snapshots.shift();
}

/** Starts the once-per-process sampler (instrumentation.ts). */
export function startSystemSampler(): void {
  if (store.sampler) return;
  void takeSnapshot();
  store.sampler = setInterval(() => void takeSnapshot(), SAMPLE_MS);
  store.sampler.unref();
}

function leOf(labels: object): number {
  const le = (labels as Record<string, string | number | undefined>).le;
  return le === "+Inf" ? Infinity : Number(le);
}

// The q-quantile of a histogram from its cumulative buckets (linear inside the bucket, as histogram_quantile does).
function quantile(buckets: { le: number; count: number }[], q: number): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return previous.le;
      const inBucket = b.count - previous.count;
      return previous.le + (b.le - previous.le) * (inBucket === 0 ? 0 : (rank - previous.count) / inBucket);
    }
    previous = b;
  }
  return previous.le;
}

export type RouteStats = { route: string; count: number; avgMs: number; p95Ms: number | null; errorCount: number };

async function routeStats(): Promise<RouteStats[]> {
  const { values } = await getMetrics().httpRequestDuration.get();
  const byRoute = new Map<string, { count: number; sum: number; errors: number; buckets: Map<number, number> }>();
  for (const v of values) {
    const route = String(v.labels.route);
    const entry = byRoute.get(route) ?? { count: 0, sum: 0, errors: 0, buckets: new Map() };
    byRoute.set(route, entry);
    if (v.metricName?.endsWith("_count")) {
      entry.count += v.value;
      if (v.labels.status_class === "5xx") entry.errors += v.value;
    } else if (v.metricName?.endsWith("_sum")) entry.sum += v.value;
    else if (v.metricName?.endsWith("_bucket")) {
      const le = leOf(v.labels);
      entry.buckets.set(le, (entry.buckets.get(le) ?? 0) + v.value);
    }
  }
  return [...byRoute.entries()]
    .filter(([, e]) => e.count > 0)
    .map(([route, e]) => {
      const buckets = [...e.buckets.entries()].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count }));
      const p95 = quantile(buckets, 0.95);
      return { route, count: e.count, avgMs: (e.sum / e.count) * 1000, p95Ms: p95 === null ? null : p95 * 1000, errorCount: e.errors };
    })
    .sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || b.avgMs - a.avgMs);
}

export type SystemOverview = {
  windowMinutes: number;
  requests: number;
  serverErrors: number;
  errorRate: number | null;
  requestsPerMinute: number;
  series: { at: number; requests: number; serverErrors: number }[];
  slowestRoutes: RouteStats[];
  db: { queriesPerMinute: number; inFlight: number; poolMax: number | null; p95Ms: number | null; driver: "postgres" | "pglite" };
  process: { uptimeSeconds: number; rssBytes: number; heapUsedBytes: number };
  readiness: Readiness;
  instrumentation: boolean;
  /** Per cache since this instance started; the hit ratio leaves errors out (they are failures, not misses). */
  cache: { store: "upstash" | "memory"; caches: CacheStats[] };
  jobs: { failedLastHour: number; outboxPending: number; outboxOldestSeconds: number; mode: JobMode };
  /** Read replicas as this instance's last poll found them, and where its lag-tolerant reads went since it started. */
  replicas: { list: ReturnType<typeof replicaStatus>; readsOnReplicas: number; readsOnPrimary: number; fallbacks: Record<string, number> };
};

async function replicaStats(): Promise<SystemOverview["replicas"]> {
  const { values } = await getMetrics().dbReads.get();
  let readsOnReplicas = 0;
  let readsOnPrimary = 0;
  const fallbacks: Record<string, number> = {};
  for (const v of values) {
    if (v.labels.target === "replica") readsOnReplicas += v.value;
    else {
      readsOnPrimary += v.value;
      const reason = String(v.labels.reason);
      fallbacks[reason] = (fallbacks[reason] ?? 0) + v.value;
    }
  }
  return { list: replicaStatus(), readsOnReplicas, readsOnPrimary, fallbacks };
}

async function jobStats(): Promise<SystemOverview["jobs"]> {
  const [failedLastHour, backlog] = await Promise.all([countFailedRunsSince(new Date(Date.now() - WINDOW_MS)), getOutboxBacklog()]);
  return { failedLastHour, outboxPending: backlog.pending, outboxOldestSeconds: backlog.oldestSeconds, mode: getJobMode() };
}

export type CacheStats = { name: string; hits: number; misses: number; errors: number; hitRatio: number | null };

async function cacheStats(): Promise<CacheStats[]> {
  const { values } = await getMetrics().cacheRequests.get();
  const byName = new Map<string, CacheStats>();
  for (const v of values) {
    const name = String(v.labels.cache);
    const entry = byName.get(name) ?? { name, hits: 0, misses: 0, errors: 0, hitRatio: null };
    byName.set(name, entry);
    if (v.labels.result === "hit") entry.hits += v.value;
    else if (v.labels.result === "miss") entry.misses += v.value;
    else entry.errors += v.value;
  }
  return [...byName.values()]
    .map((c) => ({ ...c, hitRatio: c.hits + c.misses > 0 ? c.hits / (c.hits + c.misses) : null }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function getSystemOverview(): Promise<SystemOverview> {
  // "Now" is read live but not stored: the stored snapshots stay one per SAMPLE_MS, so the chart's bars are even.
  const snapshots = store.snapshots ?? [];
  const now: Snapshot = { at: Date.now(), ...(await readTotals()) };
  const since = snapshots.find((s) => s.at >= now.at - WINDOW_MS) ?? now;
  const minutes = Math.max((now.at - since.at) / 60_000, 1 / 60);
  const requests = now.requests - since.requests;
  const serverErrors = now.serverErrors - since.serverErrors;
  const series = snapshots
    .slice(1)
    .map((s, i) => ({ at: s.at, requests: s.requests - snapshots[i]!.requests, serverErrors: s.serverErrors - snapshots[i]!.serverErrors }))
    .filter((s) => s.at >= now.at - WINDOW_MS);
  const m = getMetrics();
  const [durations, inFlight, readiness] = await Promise.all([m.dbQueryDuration.get(), m.dbQueriesInFlight.get(), checkReadiness()]);
  const buckets = new Map<number, number>();
  for (const v of durations.values) {
    if (!v.metricName?.endsWith("_bucket")) continue;
    const le = leOf(v.labels);
    buckets.set(le, (buckets.get(le) ?? 0) + v.value);
  }
  const dbP95 = quantile([...buckets.entries()].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })), 0.95);
  const env = getEnv();
  const memory = process.memoryUsage();
  return {
    windowMinutes: Math.round(minutes),
    requests,
    serverErrors,
    errorRate: requests > 0 ? serverErrors / requests : null,
    requestsPerMinute: requests / minutes,
    series,
    slowestRoutes: (await routeStats()).slice(0, 8),
    db: {
      queriesPerMinute: (now.dbQueries - since.dbQueries) / minutes,
      inFlight: inFlight.values[0]?.value ?? 0,
      poolMax: env.DATABASE_URL ? env.DATABASE_POOL_MAX : null,
      p95Ms: dbP95 === null ? null : dbP95 * 1000,
      driver: env.DATABASE_URL ? "postgres" : "pglite",
    },
    process: { uptimeSeconds: Math.round(process.uptime()), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    readiness,
    instrumentation: env.ANATOMY_INSTRUMENTATION === "1",
    cache: { store: env.UPSTASH_REDIS_REST_URL ? "upstash" : "memory", caches: await cacheStats() },
    jobs: await jobStats(),
    replicas: await replicaStats(),
  };
}
