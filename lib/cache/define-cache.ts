import "server-only";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { decode, encode } from "@/lib/cache/codec";
import { getCacheStore } from "@/lib/cache/get-cache-store";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";

// Object and fragment caching on the shared store (Upstash in production). Invalidation is by tag version: every entry
// belongs to one tag (a user, an org) and records the tag's version when it was loaded; a write bumps the version after
// it commits, and entries from an older version are misses from then on. A reader that loaded before the write and
// stores after it writes under the old version, so it cannot resurrect stale data (a plain delete would let it).
// The entry and its tag version are read in one round trip (MGET). Any store failure fails open: the value comes from
// the loader (the database), the failure is counted and logged, the request never fails because of the cache.

const log = logger.child({ module: "cache" });
const tracer = trace.getTracer("anatomy-cache");

// Tag versions outlive every entry (entry TTLs are minutes), so an expired tag can only reset under entries that are
// gone too.
const TAG_TTL_SECONDS = 7 * 24 * 3600;
const MAX_ENTRY_TTL_SECONDS = 24 * 3600;

export type CacheDefinition<T> = {
  /** Metric label and key segment: short, fixed, kebab-case. */
  name: string;
  ttlSeconds: number;
  /** The tag an entry belongs to; `invalidateCacheTags([tag])` turns all its entries into misses. */
  tagOf: (id: string) => string;
  /** Bump when the cached shape changes, so instances of a new deploy never read the old shape. */
  schemaVersion?: number;
  /** Which loaded values are stored; by default all but null/undefined (a miss is not remembered). */
  shouldStore?: (value: T) => boolean;
};

export type Cache<T> = {
  readonly name: string;
  /** The cached value, or the loader's (stored for next time); one loader call per key and process at a time. */
  getOrSet(id: string, load: () => Promise<T>): Promise<T>;
};

type Entry<T> = { t: number; v: T };

const inFlight = new Map<string, Promise<unknown>>();

export function defineCache<T>(definition: CacheDefinition<T>): Cache<T> {
  const { name, ttlSeconds, tagOf, schemaVersion = 1 } = definition;
  const shouldStore = definition.shouldStore ?? ((value: T) => value !== null && value !== undefined);
  if (ttlSeconds <= 0 || ttlSeconds > MAX_ENTRY_TTL_SECONDS) throw new Error(`Cache ${name}: ttlSeconds out of range`);

  return {
    name,
    async getOrSet(id, load) {
      if (!isCacheEnabled()) return load();
      const store = getCacheStore();
      const key = `${keyPrefix()}:c:${name}:${schemaVersion}:${id}`;
      const tagKey = tagKeyOf(tagOf(id));
      const counter = getMetrics().cacheRequests;

      let tagVersion = 0;
      let storeAnswered = false;
      try {
        const [raw, rawTag] = await traced(`cache get ${name}`, () => store.mget([key, tagKey]));
        storeAnswered = true;
        // A tag nobody has bumped yet (or one that expired) starts at a timestamp, never at a number an older
        // generation of entries could carry.
        tagVersion = Number(rawTag ?? (await store.setIfAbsent(tagKey, String(freshTagBase()), TAG_TTL_SECONDS)));
        if (raw !== null && raw !== undefined) {
          const entry = decode<Entry<T>>(raw);
          if (entry.t === tagVersion) {
            counter.inc({ cache: name, result: "hit" });
            return entry.v;
          }
        }
        counter.inc({ cache: name, result: "miss" });
      } catch (error) {
        counter.inc({ cache: name, result: "error" });
        reportFailure(name, "read", error);
      }

      const flightKey = `${key}@${tagVersion}`;
      const pending = inFlight.get(flightKey) as Promise<T> | undefined;
      if (pending) return pending;
      const loading = (async () => {
        const value = await load();
        if (storeAnswered && shouldStore(value)) {
          try {
            await traced(`cache set ${name}`, () => store.set(key, encode({ t: tagVersion, v: value } satisfies Entry<T>), ttlSeconds));
          } catch (error) {
            counter.inc({ cache: name, result: "error" });
            reportFailure(name, "write", error);
          }
        }
        return value;
      })().finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, loading);
      return loading;
    },
  };
}

/**
 * Makes every entry of these tags stale, on every instance. Call it after the change commits (see `afterCommit`).
 * A failure is logged, not thrown: the change has committed, and the entries expire within their TTL.
 */
export async function invalidateCacheTags(tags: Iterable<string>): Promise<void> {
  const unique = [...new Set(tags)];
  if (unique.length === 0 || !isCacheEnabled()) return;
  const store = getCacheStore();
  try {
    const base = freshTagBase();
    // Retried briefly: a lost invalidation leaves readers (never writers, which check the database) with stale pages.
    for (let attempt = 1; ; attempt++) {
      try {
        await traced("cache invalidate", () => Promise.all(unique.map((tag) => store.incr(tagKeyOf(tag), TAG_TTL_SECONDS, base))));
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  } catch (error) {
    getMetrics().cacheRequests.inc({ cache: "invalidate", result: "error" });
    log.error({ err: error, tags: unique.length }, "cache invalidation failed; entries stay until their TTL");
  }
}

export function isCacheEnabled(): boolean {
  return getEnv().ANATOMY_CACHE === "1";
}

function keyPrefix(): string {
  return getEnv().CACHE_KEY_PREFIX;
}

// Microseconds plus noise: a tag that is re-created (expired, evicted, flushed) starts from a number no earlier
// generation of entries can carry.
function freshTagBase(): number {
  return Date.now() * 1000 + Math.floor(Math.random() * 1000);
}

function tagKeyOf(tag: string): string {
  return `${keyPrefix()}:t:${tag}`;
}

function traced<T>(spanName: string, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(spanName, { kind: SpanKind.CLIENT, attributes: { "db.system": "redis" } }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : "error" });
      throw error;
    } finally {
      span.end();
    }
  });
}

// During an outage every request fails over: one log line per cache and 10 s says so without flooding the logs
// (the error counter has the exact figure).
const lastReported = new Map<string, number>();

function reportFailure(name: string, operation: "read" | "write", error: unknown) {
  const now = Date.now();
  if (now - (lastReported.get(name) ?? 0) < 10_000) return;
  lastReported.set(name, now);
  log.warn({ err: error, cache: name, operation }, "cache store failed; served from the database");
}
