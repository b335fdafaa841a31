import { inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createUpstashStore } from "@/lib/cache/upstash-store";
import { getDb, openPostgres } from "@/lib/db/client";
import { checkReadiness, markShuttingDown } from "@/lib/observability/readiness";

// Port 9 (discard) on loopback: nothing listens, so a connection fails fast like a database that went away.
const unreachable = openPostgres("postgres://postgres@127.0.0.1:9/none", 1);
afterAll(() => unreachable.close());

describe("readiness", () => {
  it("is ready while the database answers, and says how long the check took", async () => {
    const readiness = await checkReadiness();
    expect(readiness.ready).toBe(true);
    expect(readiness.checks.database).toMatchObject({ status: "ok" });
    expect(readiness.checks.database!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("is not ready when the database is unreachable, and ready again when it answers", async () => {
    const down = await checkReadiness({ db: unreachable.db, timeoutMs: 3000 });
    expect(down.ready).toBe(false);
    expect(down.checks.database!.status).toBe("fail");
    expect(down.checks.database!.error).not.toMatch(/postgres:\/\//);
    expect((await checkReadiness({ db: getDb() })).ready).toBe(true);
  });

  it("reports the cache, and stays ready when it is down (requests fall back to the database)", async () => {
    expect((await checkReadiness()).checks.cache).toMatchObject({ status: "ok", critical: false });
    const deadCache = createUpstashStore({ url: "http://127.0.0.1:9", token: "x" });
    const readiness = await checkReadiness({ cache: deadCache });
    expect(readiness.ready).toBe(true);
    expect(readiness.checks.cache).toMatchObject({ status: "fail", critical: false });
  });

  it("reports an outbox backlog above the threshold, and stays ready (Inngest being down is not this instance's fault)", async () => {
    const { outboxEvents } = await import("@/db/schema");
    const rows = await getDb()
      .insert(outboxEvents)
      .values([{ name: "test/pending", data: {} }, { name: "test/pending", data: {} }])
      .returning({ id: outboxEvents.id });
    try {
      const readiness = await checkReadiness({ maxBacklog: 1 });
      expect(readiness.ready).toBe(true);
      expect(readiness.checks.outbox).toMatchObject({ status: "fail", critical: false, error: expect.stringMatching(/events waiting to be dispatched/) });
      expect((await checkReadiness({ maxBacklog: 100_000 })).checks.outbox).toMatchObject({ status: "ok" });
    } finally {
      // On a shared database these would otherwise stay pending for other files' outbox tests to find.
      await getDb().delete(outboxEvents).where(inArray(outboxEvents.id, rows.map((r) => r.id)));
    }
  });

  it("turns not ready for good once the process is shutting down", async () => {
    markShuttingDown();
    const readiness = await checkReadiness();
    expect(readiness).toMatchObject({ ready: false, shuttingDown: true });
    expect(readiness.checks.database!.status).toBe("ok");
  });
});
