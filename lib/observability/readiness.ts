import "server-only";
import { sql } from "drizzle-orm";
import { getCacheStore } from "@/lib/cache/get-cache-store";
import { withTimeout } from "@/lib/cache/with-timeout";
import type { CacheStore } from "@/lib/cache/store";
import { getDb, type Db } from "@/lib/db/client";
import { replicaStatus } from "@/lib/db/replicas";
import { getEnv } from "@/lib/env";
import { getOutboxBacklog } from "@/lib/jobs/outbox";
import { logger } from "@/lib/observability/logger";
import { processState } from "@/lib/runtime/process-state";

const log = logger.child({ module: "readiness" });

type CheckResult = { status: "ok" | "fail"; latencyMs: number; error?: string; critical?: false };
export type Readiness = { ready: boolean; shuttingDown: boolean; checks: Record<string, CheckResult> };

// Once per process: the SIGTERM handler (instrumentation.ts) and /api/ready live in different module graphs.
const state = processState("observability.readiness", (): { shuttingDown?: boolean } => ({}));

export function markShuttingDown(): void {
  state.shuttingDown = true;
}

export function isShuttingDown(): boolean {
  return state.shuttingDown === true;
}

async function timed(check: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  try {
    await withTimeout(check(), timeoutMs, "The check");
    return { status: "ok", latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Only the error's class of problem goes out: connection strings never do.
    const message = error instanceof Error ? error.message.replace(/postgres(ql)?:\/\/\S+/g, "[url]") : "failed";
    log.warn({ err: error }, "readiness check failed");
    return { status: "fail", latencyMs: Math.round(performance.now() - started), error: message.slice(0, 200) };
  }
}

/**
 * Whether this instance should receive traffic: not draining, and its primary database answers. The cache and the
 * outbox backlog are checked and reported but not critical: requests fail over to the database when the cache is down,
 * and a backlog means Inngest is unreachable; both are shared by every instance, so failing readiness on them would
 * take the whole fleet out of the load balancer at once.
 */
export async function checkReadiness({
  db = getDb(),
  cache = getCacheStore(),
  timeoutMs = 2000,
  maxBacklog = getEnv().OUTBOX_READY_MAX_BACKLOG,
}: { db?: Db; cache?: CacheStore; timeoutMs?: number; maxBacklog?: number } = {}): Promise<Readiness> {
  const [database, cacheCheck, outbox] = await Promise.all([
    timed(() => db.execute(sql`select 1`), timeoutMs),
    timed(() => cache.ping(), timeoutMs),
    timed(async () => {
      const { pending } = await getOutboxBacklog(db);
      if (pending > maxBacklog) throw new Error(`${pending} events waiting to be dispatched (more than ${maxBacklog})`);
    }, timeoutMs),
  ]);
  const checks: Record<string, CheckResult> = {
    database,
    // Read replicas, as their last poll found them: a replica down or behind is skipped (reads go to the primary),
    // so it is reported, never a reason to take this instance out.
    ...Object.fromEntries(
      replicaStatus().map((r): [string, CheckResult] => [
        `replica ${r.name}`,
        r.up
          ? { status: "ok", latencyMs: 0, critical: false }
          : { status: "fail", latencyMs: 0, error: (r.error ?? "skipped").slice(0, 200), critical: false },
      ]),
    ),
    cache: { ...cacheCheck, critical: false },
    // A growing backlog means Inngest is unreachable for everyone: reported (and alerted on), not a reason to pull
    // instances that serve requests fine out of the load balancer.
    outbox: { ...outbox, critical: false },
  };
  const shuttingDown = isShuttingDown();
  const ready = !shuttingDown && Object.values(checks).every((c) => c.status === "ok" || c.critical === false);
  return { ready, shuttingDown, checks };
}
