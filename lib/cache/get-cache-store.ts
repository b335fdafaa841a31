import "server-only";
import { createMemoryStore, type CacheStore } from "@/lib/cache/store";
import { createUpstashStore } from "@/lib/cache/upstash-store";
import { getEnv } from "@/lib/env";
import { processState } from "@/lib/runtime/process-state";

// One store per process (processState): route handlers, pages and instrumentation are separate module graphs and the
// memory adapter must be the same map for all of them.
const holder = processState("cache.store", (): { cacheStore?: CacheStore } => ({}));

export function getCacheStore(): CacheStore {
  holder.cacheStore ??= createStoreFromEnv();
  return holder.cacheStore;
}

function createStoreFromEnv(): CacheStore {
  const env = getEnv();
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return createUpstashStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: env.CACHE_TIMEOUT_MS });
  }
  return createMemoryStore();
}

/** Test hook: use this store (or, with undefined, the one the environment names) from now on. */
export function setCacheStoreForTests(store: CacheStore | undefined): void {
  holder.cacheStore = store;
}
