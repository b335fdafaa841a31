import "server-only";
import { Redis } from "@upstash/redis";
import type { CacheStore } from "@/lib/cache/store";
import { withTimeout } from "@/lib/cache/with-timeout";

// Upstash speaks HTTP, so there are no connections to pool or leak and any number of instances can share it.
// Values stay strings (automaticDeserialization off): lib/cache owns the encoding. Retries are off on purpose: a
// cache that is down must cost a request one quick failure, then the database answers (fail open).
export function createUpstashStore({ url, token, timeoutMs = 500 }: { url: string; token: string; timeoutMs?: number }): CacheStore {
  const redis = new Redis({
    url,
    token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 0 },
  });
  return createUpstashStoreFromClient(redis, timeoutMs);
}

export function createUpstashStoreFromClient(redis: Redis, timeoutMs = 500): CacheStore {
  return {
    kind: "upstash",
    async mget(keys) {
      if (keys.length === 0) return [];
      return withTimeout(redis.mget<(string | null)[]>(...keys), timeoutMs, "Cache store");
    },
    async set(key, value, ttlSeconds) {
      await withTimeout(redis.set(key, value, { ex: Math.max(1, Math.ceil(ttlSeconds)) }), timeoutMs, "Cache store");
    },
    async del(keys) {
      if (keys.length === 0) return;
      await withTimeout(redis.del(...keys), timeoutMs, "Cache store");
    },
    async incr(key, ttlSeconds) {
      const pipeline = redis.pipeline();
      pipeline.incr(key);
      pipeline.expire(key, Math.max(1, Math.ceil(ttlSeconds)));
      const [value] = await withTimeout(pipeline.exec<[number, number]>(), timeoutMs, "Cache store");
      return Number(value);
    },
    async ping() {
      await withTimeout(redis.ping(), timeoutMs, "Cache store");
    },
  };
}
