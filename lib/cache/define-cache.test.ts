import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { defineCache, invalidateCacheTags } from "@/lib/cache/define-cache";
import { setCacheStoreForTests } from "@/lib/cache/get-cache-store";
import { getEnv } from "@/lib/env";
import { createMemoryStore, type CacheStore } from "@/lib/cache/store";
import { createUpstashStore } from "@/lib/cache/upstash-store";
import { getMetrics } from "@/lib/observability/metrics";
import { openTestUpstash } from "@/lib/testing/upstash";

const upstash = await openTestUpstash("define-cache.test");
afterAll(() => upstash?.close());
afterEach(() => setCacheStoreForTests(undefined));

const adapters: [string, () => CacheStore][] = [["memory", () => createMemoryStore()]];
// A generous timeout: a loaded CI machine must not turn a slow answer into a (fail-open) miss here.
if (upstash) adapters.push(["upstash (real Redis through the bridge)", () => createUpstashStore({ url: upstash.url, token: upstash.token, timeoutMs: 5000 })]);

async function counted(cache: string, result: "hit" | "miss" | "error"): Promise<number> {
  const metric = await getMetrics().cacheRequests.get();
  return metric.values.find((v) => v.labels.cache === cache && v.labels.result === result)?.value ?? 0;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(adapters)("lib/cache on the %s adapter", (_name, createStore) => {
  const useStore = () => setCacheStoreForTests(createStore());
  const newCache = <T,>() => {
    const name = `test-${randomUUID().slice(0, 8)}`;
    return defineCache<T>({ name, ttlSeconds: 60, tagOf: (id) => `test-tag:${id.split(":")[0]}` });
  };

  it("loads a cold key once, then serves it from the store, counting the miss and the hit", async () => {
    useStore();
    const cache = newCache<{ n: number }>();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrSet("a", load)).toEqual({ n: 1 });
    expect(await cache.getOrSet("a", load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
    expect(await counted(cache.name, "miss")).toBe(1);
    expect(await counted(cache.name, "hit")).toBe(1);
  });

  it("gives back any text as it was stored: quotes, accents, emoji, escapes, control characters", async () => {
    useStore();
    const cache = newCache<{ title: string }>();
    const title = `“Ünïcødé” — 漢字 🚀 "quoted" \\ back\\slash \n new line \u0000 nul ${"x".repeat(3000)}`;
    await cache.getOrSet("text", async () => ({ title }));
    expect(await cache.getOrSet("text", async () => ({ title: "reloaded" }))).toEqual({ title });
    expect(await counted(cache.name, "hit")).toBe(1);
  });

  it("keeps Dates as Dates and does not remember a null result", async () => {
    useStore();
    const cache = newCache<{ at: Date; nested: { at: Date }[] } | null>();
    const at = new Date("2026-11-26T10:00:00.000Z");
    await cache.getOrSet("dates", async () => ({ at, nested: [{ at }] }));
    const hit = await cache.getOrSet("dates", async () => null);
    expect(hit?.at).toBeInstanceOf(Date);
    expect(hit?.nested[0]?.at.toISOString()).toBe(at.toISOString());

    let loads = 0;
    await cache.getOrSet("missing", async () => (loads++, null));
    await cache.getOrSet("missing", async () => (loads++, null));
    expect(loads).toBe(2);
  });

  it("a tag invalidation turns that tag's entries into misses on the next read, and leaves other tags alone", async () => {
    useStore();
    const cache = newCache<string>();
    const a = `a${randomUUID()}`;
    const b = `b${randomUUID()}`;
    let version = 1;
    await cache.getOrSet(`${a}:x`, async () => `a-v${version}`);
    await cache.getOrSet(`${b}:x`, async () => `b-v${version}`);
    version = 2;
    await invalidateCacheTags([`test-tag:${a}`]);
    expect(await cache.getOrSet(`${a}:x`, async () => `a-v${version}`)).toBe("a-v2");
    expect(await cache.getOrSet(`${b}:x`, async () => `b-v${version}`)).toBe("b-v1");
  });

  it("a load that started before an invalidation cannot store stale data for later readers", async () => {
    useStore();
    const cache = newCache<string>();
    const id = randomUUID();
    const slow = deferred<string>();
    const loading = deferred<void>();
    // Read the old row, then stall. The loader runs once the entry and its tag version were read: only then does the
    // write commit (a fixed sleep here let a busy machine invalidate before the read, a different interleaving).
    const staleRead = cache.getOrSet(id, () => (loading.resolve(), slow.promise));
    await loading.promise;
    await invalidateCacheTags([`test-tag:${id}`]); // the write commits and invalidates meanwhile
    slow.resolve("old");
    expect(await staleRead).toBe("old");
    expect(await cache.getOrSet(id, async () => "new")).toBe("new");
    expect(await cache.getOrSet(id, async () => "newer")).toBe("new");
  });

  it("a tag that disappears (evicted, expired) never brings back entries of an earlier generation", async () => {
    const store = createStore();
    setCacheStoreForTests(store);
    const cache = newCache<string>();
    const id = randomUUID();
    const tagKey = `${getEnv().CACHE_KEY_PREFIX}:t:test-tag:${id}`;
    await cache.getOrSet(id, async () => "v1");
    await invalidateCacheTags([`test-tag:${id}`]);
    await cache.getOrSet(id, async () => "v2"); // stored under the bumped version
    await store.del([tagKey]); // Redis evicts the tag key
    await invalidateCacheTags([`test-tag:${id}`]); // the next write re-creates it
    expect(await cache.getOrSet(id, async () => "v3")).toBe("v3");
    await store.del([tagKey]); // and once more, this time a read re-creates it
    expect(await cache.getOrSet(id, async () => "v4")).toBe("v4");
  });

  it("single-flight: 25 concurrent readers of a cold key cause one load", async () => {
    useStore();
    const cache = newCache<number>();
    let loads = 0;
    const gate = deferred<void>();
    const readers = Array.from({ length: 25 }, () =>
      cache.getOrSet("hot", async () => {
        loads++;
        await gate.promise;
        return 42;
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    expect(await Promise.all(readers)).toEqual(Array(25).fill(42));
    expect(loads).toBe(1);
  });

  it("a failing load is not cached and the next reader tries again", async () => {
    useStore();
    const cache = newCache<string>();
    await expect(cache.getOrSet("flaky", async () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.getOrSet("flaky", async () => "ok")).toBe("ok");
  });
});

describe("lib/cache when the store is down", () => {
  it("fails open: values come from the loader, errors are counted, invalidation does not throw", async () => {
    // Nothing listens on port 9: the Upstash client's request fails as it would with Redis or the bridge stopped.
    setCacheStoreForTests(createUpstashStore({ url: "http://127.0.0.1:9", token: "x" }));
    const cache = defineCache<string>({ name: `down-${randomUUID().slice(0, 8)}`, ttlSeconds: 60, tagOf: (id) => id });
    let loads = 0;
    expect(await cache.getOrSet("k", async () => `v${++loads}`)).toBe("v1");
    expect(await cache.getOrSet("k", async () => `v${++loads}`)).toBe("v2");
    expect(await counted(cache.name, "error")).toBe(2);
    await expect(invalidateCacheTags(["k"])).resolves.toBeUndefined();
  });

  it("fails open when the store hangs, within the adapter's timeout", async () => {
    const hanging: CacheStore = {
      kind: "upstash",
      mget: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      del: () => new Promise(() => {}),
      incr: () => new Promise(() => {}),
      setIfAbsent: () => new Promise(() => {}),
      ping: () => new Promise(() => {}),
    };
    const { createUpstashStoreFromClient } = await import("@/lib/cache/upstash-store");
    const redisLike = { mget: hanging.mget, set: hanging.set, del: hanging.del, ping: hanging.ping } as never;
    setCacheStoreForTests(createUpstashStoreFromClient(redisLike, 100));
    const cache = defineCache<string>({ name: `hang-${randomUUID().slice(0, 8)}`, ttlSeconds: 60, tagOf: (id) => id });
    const started = performance.now();
    expect(await cache.getOrSet("k", async () => "from-db")).toBe("from-db");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await counted(cache.name, "error")).toBe(1);
  });
});
