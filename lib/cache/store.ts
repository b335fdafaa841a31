// The cache port: the few operations the app needs from a key-value store, with string values and TTLs in seconds.
// Two adapters: Upstash Redis (shared by every instance) and process memory (zero-setup, one instance only).
export type CacheStore = {
  readonly kind: "memory" | "upstash";
  /** Values for the keys, null where absent or expired; one round trip. */
  mget(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(keys: string[]): Promise<void>;
  /**
   * Increments a version counter and keeps it for ttlSeconds. A missing counter starts from `base` (a timestamp), so
   * a counter that expired or was evicted never comes back at a number it had before.
   */
  incr(key: string, ttlSeconds: number, base: number): Promise<number>;
  /** Sets the key unless it exists; returns the value it holds afterwards. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<string>;
  /** Throws when the store is unreachable (readiness check). */
  ping(): Promise<void>;
};

/**
 * In-process store for zero-setup mode and tests. Bounded (oldest keys go first), so a long-running dev server does not
 * grow without limit. Safe only with one instance: another process would neither see its values nor its invalidations,
 * which is why production requires Upstash (lib/env.ts).
 */
export function createMemoryStore({ maxEntries = 10_000, now = Date.now }: { maxEntries?: number; now?: () => number } = {}): CacheStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();

  function read(key: string): string | null {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return null;
    }
    return entry.value;
  }

  function write(key: string, value: string, ttlSeconds: number) {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  }

  return {
    kind: "memory",
    async mget(keys) {
      return keys.map(read);
    },
    async set(key, value, ttlSeconds) {
      write(key, value, ttlSeconds);
    },
    async del(keys) {
      for (const key of keys) entries.delete(key);
    },
    async incr(key, ttlSeconds, base) {
      const next = Number(read(key) ?? base) + 1;
      write(key, String(next), ttlSeconds);
      return next;
    },
    async setIfAbsent(key, value, ttlSeconds) {
      const existing = read(key);
      if (existing !== null) return existing;
      write(key, value, ttlSeconds);
      return value;
    },
    async ping() {},
  };
}
