import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearDatabaseUnavailable, databaseUnavailableMark, UNAVAILABLE_WINDOW_MS } from "@/lib/db/availability";
import { openPostgres, type DbHandle } from "@/lib/db/client";
import { databaseBusy, databaseUnavailable } from "@/lib/db/database-errors";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { runActionAs, toActionError } from "@/lib/server-action";
import { relayTo as relayToServer } from "@/lib/testing/tcp-relay";

// The pool gate (lib/db/pool-gate.ts) on postgres.js pools: a database that cannot be reached, a saturated pool, and
// a database that goes away and comes back. The first needs no server (nothing listens on port 9); the others do.
const url = getEnv().DATABASE_URL;
if (!url) process.stdout.write("lib/db/pool-gate.test.ts: the saturation and reconnection tests skipped: they need a Postgres server (DATABASE_URL), as in .ci/run's real-services run\n");

const UNAVAILABLE = /^The database is unavailable right now and this did not go through\. Try again in a moment \(ref [\w-]+\)\.$/;
const BUSY = /^The database is busy right now and this did not go through\. Try again in a moment \(ref [\w-]+\)\.$/;

const handles: DbHandle[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  await Promise.all(cleanups.splice(0).map((c) => c()));
  vi.useRealTimers();
  vi.unstubAllEnvs();
  resetEnvForTests();
  clearDatabaseUnavailable();
});

function pool(poolUrl: string, max: number, env: Record<string, string> = {}, options: { probeEveryMs?: number } = {}) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  resetEnvForTests();
  const handle = openPostgres(poolUrl, max, options);
  handles.push(handle);
  return handle.db;
}

type Outcome = { ms: number; error?: unknown };
function timed(run: () => PromiseLike<unknown>): Promise<Outcome> {
  const started = performance.now();
  return Promise.resolve(run()).then(
    () => ({ ms: performance.now() - started }),
    (error: unknown) => ({ ms: performance.now() - started, error }),
  );
}

const user = { id: "00000000-0000-4000-8000-000000000001", email: "gate@example.test", name: "Gate", emailVerified: null, isPlatformAdmin: false };

/** A TCP relay to the test database, stopped after the test. */
async function relayTo(target: string) {
  const relay = await relayToServer(target);
  cleanups.push(() => relay.stop());
  return relay;
}

describe("pool gate", () => {
  it("a database that refuses connections: the action says it is unavailable at once, and nothing more is sent until a probe answers", async () => {
    const db = pool("postgres://postgres@127.0.0.1:9/none", 2);
    const action = await timed(async () => {
      const state = await runActionAs(user, "probeAction", new FormData(), () => db.execute(sql`select 1`));
      expect(state).toMatchObject({ ok: false, error: expect.stringMatching(UNAVAILABLE) });
    });
    expect(action.error).toBeUndefined();
    expect(action.ms).toBeLessThan(6000); // DATABASE_CONNECT_TIMEOUT_SECONDS bounds it; a refusal is immediate
    // Pages answer 503 from proxy.ts meanwhile.
    expect(databaseUnavailableMark()).toMatchObject({ reason: "unavailable" });

    // Refused in microseconds, statements and transactions alike, and still after the first probes failed.
    for (const wait of [0, UNAVAILABLE_WINDOW_MS + 200]) {
      await new Promise((r) => setTimeout(r, wait));
      const refused = await timed(() => db.execute(sql`select 1`));
      expect(refused.ms).toBeLessThan(50);
      expect(databaseUnavailable(refused.error)).toBe("DATABASE_UNAVAILABLE");
      expect(databaseUnavailable((await timed(() => db.transaction(async (tx) => tx.execute(sql`select 1`)))).error)).toBe("DATABASE_UNAVAILABLE");
      expect(databaseUnavailableMark()).toMatchObject({ reason: "unavailable" });
    }
  });

  it("a transaction whose begin cannot connect counts as well (begin does not go through drizzle's query path)", async () => {
    const db = pool("postgres://postgres@127.0.0.1:9/none", 2);
    const failed = await timed(() => db.transaction(async (tx) => tx.execute(sql`select 1`)));
    expect(databaseUnavailable(failed.error)).toBe("ECONNREFUSED");
    expect(failed.ms).toBeLessThan(6000);
    expect(databaseUnavailableMark()).toMatchObject({ reason: "unavailable" });
    expect(databaseUnavailable((await timed(() => db.execute(sql`select 1`))).error)).toBe("DATABASE_UNAVAILABLE");
  });

  it("a connection error that did not come from a query is not called a database outage", async () => {
    const fetchFailed = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
    expect(databaseUnavailable(fetchFailed)).toBeUndefined();
    expect(await toActionError(fetchFailed, "x")).toMatchObject({ ok: false, error: expect.stringMatching(/^Something went wrong/) });
    // The server's own report needs no such mark: a shutting-down server says so.
    expect(databaseUnavailable({ cause: { severity: "FATAL", code: "57P01" } })).toBe("57P01");
  });

  it.skipIf(!url)("a saturated pool refuses what would wait beyond DATABASE_POOL_QUEUE_LIMIT at once, as busy, and serves the rest", async () => {
    const db = pool(url!, 2, { DATABASE_POOL_QUEUE_LIMIT: "3" });
    const holders = [timed(() => db.execute(sql`select pg_sleep(1.5)`)), timed(() => db.execute(sql`select pg_sleep(1.5)`))];
    await new Promise((r) => setTimeout(r, 200)); // both connections made and busy
    const more = await Promise.all(Array.from({ length: 10 }, () => timed(() => db.execute(sql`select 1`))));
    const refused = more.filter((o) => o.error);
    const served = more.filter((o) => !o.error);
    expect(refused).toHaveLength(7);
    for (const o of refused) {
      expect(o.ms).toBeLessThan(200);
      expect(databaseBusy(o.error)).toBe("saturated");
    }
    expect(await toActionError(refused[0]!.error, "x")).toMatchObject({ ok: false, error: expect.stringMatching(BUSY) });
    expect(databaseUnavailableMark()).toMatchObject({ reason: "saturated" }); // pages answer 503 for a moment
    expect(served).toHaveLength(3);
    for (const o of served) expect(o.ms).toBeGreaterThan(1000); // they waited for a connection
    for (const o of await Promise.all(holders)) expect(o.error).toBeUndefined();
    // Nothing is left counted: the pool takes a full queue again.
    const again = await Promise.all(Array.from({ length: 5 }, () => timed(() => db.execute(sql`select 1`))));
    expect(again.filter((o) => o.error)).toHaveLength(0);
  });

  it.skipIf(!url)("a database that goes away and comes back: queries fail fast meanwhile, and the pool serves again within seconds", async () => {
    const relay = await relayTo(url!);
    // Probed every 100 ms rather than every 2 s: a long outage's worth of failed attempts in a few seconds.
    const db = pool(relay.url, 2, {}, { probeEveryMs: 100 });
    await db.execute(sql`select 1`);

    // A statement in progress when the connection is cut: unavailable, but one lost connection is not an outage
    // (the server may have ended just that session), so nothing is marked and the next query tries to connect.
    const cut = timed(() => db.execute(sql`select pg_sleep(2)`));
    await new Promise((r) => setTimeout(r, 200));
    await relay.stop();
    const inFlight = await cut;
    expect(databaseUnavailable(inFlight.error)).toMatch(/^(CONNECTION_CLOSED|ECONNRESET)$/);
    expect(inFlight.ms).toBeLessThan(1000);
    expect(databaseUnavailableMark()).toBeUndefined();

    // It is: refused, as fast, and from then on nothing is sent but the probes.
    for (const o of await Promise.all([1, 2].map(() => timed(() => db.execute(sql`select 1`))))) {
      expect(databaseUnavailable(o.error)).toBe("ECONNREFUSED");
      expect(o.ms).toBeLessThan(1000);
    }
    await new Promise((r) => setTimeout(r, 3000));
    const meanwhile = await timed(() => db.execute(sql`select 1`));
    expect(databaseUnavailable(meanwhile.error)).toBe("DATABASE_UNAVAILABLE");
    expect(meanwhile.ms).toBeLessThan(50);
    expect(databaseUnavailableMark()).toMatchObject({ reason: "unavailable" });

    // Back: the next probe finds it and the mark is lifted. (postgres.js's own backoff, grown by the failed probes,
    // would have the probe wait many seconds before it even connects.)
    await relay.start();
    const back = performance.now();
    while (databaseUnavailableMark()) {
      expect(performance.now() - back).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Every connection of the pool, not just the first: ten at once, each connecting again.
    const all = await Promise.all(Array.from({ length: 10 }, () => timed(() => db.execute(sql`select pg_sleep(0.1)`))));
    for (const o of all) {
      expect(o.error).toBeUndefined();
      expect(o.ms).toBeLessThan(2000);
    }
  });
});
