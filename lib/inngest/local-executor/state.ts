import type { Run } from "./protocol";

// What the executor keeps in memory between requests: slots (concurrency), keys that expire (event-id dedup,
// idempotency) and the runs in flight. Lost on restart, as docs/jobs.md says.

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
}

/** Keys remembered for `ttlMs` (Inngest keeps event ids and idempotency keys for 24 hours). */
export class ExpiringKeys {
  private readonly expiries = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}
  /** Remembers `key`; false when it was remembered already (and has not expired). */
  add(key: string): boolean {
    const t = this.now().getTime();
    for (const [k, expiry] of this.expiries) if (expiry <= t) this.expiries.delete(k);
    if (this.expiries.has(key)) return false;
    this.expiries.set(key, t + this.ttlMs);
    return true;
  }
}

/**
 * The slots a request waits for: the run's own concurrency keys, then one of `maxConcurrentSteps` steps executing at
 * once across all runs (taken last: a run waiting for its key holds no slot).
 */
export function createSlots(maxConcurrentSteps: number) {
  const stepSlots = new Semaphore(Math.max(1, maxConcurrentSteps));
  const byKey = new Map<string, Semaphore>();
  return async function withSlots<T>(run: Run, send: () => Promise<T>): Promise<T> {
    const acquired: Semaphore[] = [];
    for (const { key, limit } of run.concurrencyKeys) {
      let semaphore = byKey.get(key);
      if (!semaphore) byKey.set(key, (semaphore = new Semaphore(limit)));
      await semaphore.acquire();
      acquired.push(semaphore);
    }
    await stepSlots.acquire();
    try {
      return await send();
    } finally {
      stepSlots.release();
      for (const [i, semaphore] of acquired.entries()) {
        semaphore.release();
        const key = run.concurrencyKeys[i]?.key;
        if (key && semaphore.idle) byKey.delete(key);
      }
    }
  };
}

/** Work in flight (runs, cron claims), so that idle() can wait for all of it. */
export function createTracker(onError: (err: unknown) => void) {
  const inflight = new Set<Promise<void>>();
  return {
    track(work: Promise<void>): Promise<void> {
      const promise = work.catch(onError);
      inflight.add(promise);
      void promise.finally(() => inflight.delete(promise));
      return promise;
    },
    async idle(): Promise<void> {
      if (!inflight.size) return;
      // Sleep/backoff timers are unref'd (a pending sleep must not keep a server from exiting); whoever awaits
      // idle() does want to wait, so hold the event loop open meanwhile.
      const keepAlive = setInterval(() => {}, 60_000);
      try {
        while (inflight.size) await Promise.allSettled([...inflight]);
      } finally {
        clearInterval(keepAlive);
      }
    },
  };
}
