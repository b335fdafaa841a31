import "server-only";
import { PgPreparedQuery } from "drizzle-orm/pg-core";
import { cookies, headers } from "next/headers";
import type { Sql } from "postgres";
import { getDbHandle } from "@/lib/db/client";
import { formatLsn, parseLsn } from "@/lib/db/lsn";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { processState } from "@/lib/runtime/process-state";

// Read-your-writes for the replicas (lib/db/replicas.ts): which request a read belongs to, and what it and its browser
// wrote. After a write commits, the rest of that request reads the primary and the browser carries the primary's WAL
// position in a short-lived cookie; a replica may serve that browser once it has replayed past it.

export const READ_YOUR_WRITES_COOKIE = "anatomy-rw";

const log = logger.child({ module: "db" });

/**
 * What routing knows of the request a read belongs to (undefined outside a request): its id, and the WAL position its
 * browser last wrote at. `remember` replaces the cookie (tests).
 */
export type ReadScope = { requestId: string | undefined; mustSee: bigint | undefined; remember?: (lsn: string) => void } | undefined;

const store = processState("db.read-your-writes", (): { readScope?: () => Promise<ReadScope>; wroteIn?: Map<string, number> } => ({}));

// Requests (by x-request-id) that wrote: the rest of each reads the primary. Kept a minute at most.
const wroteIn: Map<string, number> = (store.wroteIn ??= new Map());

/** Whether this request has written (its later reads go to the primary). */
export function wroteDuring(requestId: string | undefined): boolean {
  return requestId !== undefined && wroteIn.has(requestId);
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Next's own control-flow errors (a prerender that must turn dynamic, a redirect) carry a string `digest` and must
 * go on. (next/navigation's unstable_rethrow does this too, but importing it loads client React, which scripts and
 * benches running the services outside Next cannot.)
 */
function rethrowNextSignal(error: unknown): void {
  if (error && typeof error === "object" && typeof (error as { digest?: unknown }).digest === "string") throw error;
}

export async function requestScope(): Promise<ReadScope> {
  if (store.readScope) return store.readScope();
  let h: Headers;
  try {
    h = await headers();
  } catch (error) {
    // Next's own signals (a prerender that must become dynamic) go on; "not in a request" means a job or a script.
    rethrowNextSignal(error);
    return undefined;
  }
  return { requestId: h.get("x-request-id") ?? undefined, mustSee: parseLsn(cookieValue(h.get("cookie"), READ_YOUR_WRITES_COOKIE)) };
}

/** Tests: where the routing finds the current request (undefined: the real one, from next/headers). */
export function setReadScopeForTests(scope: (() => Promise<ReadScope>) | undefined): void {
  store.readScope = scope;
}

// ---- write tracking ---------------------------------------------------------------------------------------------

const WRITE = /^\s*(insert|update|delete|merge)\b|^\s*with\b[\s\S]*\b(insert|update|delete)\b/i;

/**
 * Every write that reaches the primary's pool: a transaction once it commits, a write statement of its own once it
 * returns. Installed once, with the replicas; statements inside a transaction run on its connection, not the pool.
 */
export function installWriteTracking(walPosition: () => Promise<bigint | undefined>): void {
  writePosition = walPosition;
  const pool = getDbHandle().client;
  if (!pool) return;
  const tracked = pool as Sql & { [TRACKED]?: true };
  if (!tracked[TRACKED]) {
    tracked[TRACKED] = true;
    const begin = pool.begin.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    pool.begin = (async (...args: unknown[]) => {
      const result = await begin(...args);
      await noteWrite();
      return result;
    }) as Sql["begin"];
  }
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: QueryWithCache; [TRACKED]?: true };
  if (proto[TRACKED]) return;
  proto[TRACKED] = true;
  const original = proto.queryWithCache;
  proto.queryWithCache = async function (queryString, params, query) {
    const result = await original.call(this, queryString, params, query);
    if ((this as { client?: { [TRACKED]?: true } }).client?.[TRACKED] && WRITE.test(queryString)) await noteWrite();
    return result;
  };
}

type QueryWithCache = (this: unknown, queryString: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;
const TRACKED = Symbol.for("anatomy.writesTracked");
let writePosition: () => Promise<bigint | undefined> = async () => undefined;

/** After a write committed: the rest of this request reads the primary, and its browser carries the WAL position. */
async function noteWrite(): Promise<void> {
  const scope = await requestScope();
  if (!scope) return;
  const now = Date.now();
  if (scope.requestId) wroteIn.set(scope.requestId, now + 60_000);
  if (wroteIn.size > 1000) for (const [id, until] of wroteIn) if (until < now) wroteIn.delete(id);
  let lsn: string | undefined;
  try {
    const position = await writePosition();
    // Never lower than what the browser already carries (another of its requests may have written later).
    lsn = position === undefined ? undefined : formatLsn(scope.mustSee !== undefined && scope.mustSee > position ? scope.mustSee : position);
  } catch (error) {
    // Without the position the browser's next reads may come from a replica that lacks the write: say so loudly.
    log.error({ err: error }, "read-your-writes: the primary's WAL position could not be read after a write");
    return;
  }
  if (!lsn) return;
  if (scope.remember) return scope.remember(lsn);
  try {
    const env = getEnv();
    (await cookies()).set(READ_YOUR_WRITES_COOKIE, lsn, {
      httpOnly: true,
      sameSite: "lax",
      secure: env.APP_URL.startsWith("https:"),
      path: "/",
      // A replica further behind than the lag bound is not used at all, so the position matters no longer than that.
      maxAge: Math.max(60, env.DATABASE_REPLICA_MAX_LAG_SECONDS * 2),
    });
  } catch (error) {
    // Only server actions and route handlers may set cookies; a write elsewhere is covered for its own request.
    rethrowNextSignal(error);
  }
}
