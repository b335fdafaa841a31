import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { parseLsn } from "@/lib/db/lsn";
import { setReadScopeForTests, type ReadScope } from "@/lib/db/read-your-writes";
import { closeReplicas, getReadDb, pollReplicasNow, replicaStatus } from "@/lib/db/replicas";
import { withTx } from "@/lib/db/transaction";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { getMetrics } from "@/lib/observability/metrics";
import { relayTo, type TcpRelay } from "@/lib/testing/tcp-relay";

// Read replicas against a real streaming replica that applies the WAL late on purpose (.ci/run starts one with
// recovery_min_apply_delay = 2 s and sets DATABASE_REPLICA_URLS): a user's own write is visible on their very next
// request although the replica is behind; someone else's read goes to the replica (and does not see it yet); a
// replica that goes away is skipped at once and used again when it is back. The replica is reached through a relay
// the test can cut.
const env = getEnv();
const primaryUrl = env.DATABASE_URL;
const replicaUrl = env.DATABASE_REPLICA_URLS[0];
if (!primaryUrl || !replicaUrl) {
  process.stdout.write("lib/db/replicas.test.ts: skipped: it needs a Postgres primary and a streaming replica of it (DATABASE_URL, DATABASE_REPLICA_URLS), as in .ci/run's real-services run\n");
}

/** A snapshot of db_reads_total (prom-client hands out its live objects: copied). */
const reads = async () => {
  const values = (await getMetrics().dbReads.get()).values.map((v) => ({ labels: { ...v.labels }, value: v.value }));
  return (target: string, reason: string) => values.find((v) => v.labels.target === target && v.labels.reason === reason)?.value ?? 0;
};

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

describe.runIf(primaryUrl && replicaUrl)("read replicas", () => {
  let relay: TcpRelay;
  let applyDelayMs = 0;

  beforeAll(async () => {
    relay = await relayTo(replicaUrl!);
    const direct = postgres(replicaUrl!, { max: 1 });
    const [row] = await direct<{ delay: string }[]>`select setting as delay from pg_settings where name = 'recovery_min_apply_delay'`;
    applyDelayMs = Number(row?.delay ?? 0);
    await direct.end();
    vi.stubEnv("DATABASE_REPLICA_URLS", relay.url);
    vi.stubEnv("DATABASE_REPLICA_POLL_MS", "100");
    resetEnvForTests();
    await closeReplicas();
    getReadDb(); // opens the replica set: its first poll starts
    // Up, and caught up with what came before (the schema the run just migrated).
    await until(async () => (await pollReplicasNow(), replicaStatus()[0]?.up === true && replicaStatus()[0]?.lagBytes === 0), 15_000);
  });

  afterAll(async () => {
    setReadScopeForTests(undefined);
    await closeReplicas();
    await relay.stop();
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  /** Reads as request `requestId` of a browser whose last write was at `mustSee`. */
  const asRequest = (requestId: string, mustSee?: string, remember?: (lsn: string) => void) => {
    const scope: ReadScope = { requestId, mustSee: parseLsn(mustSee), remember };
    setReadScopeForTests(async () => scope);
  };
  const findUser = async (id: string) => (await getReadDb().select({ id: users.id }).from(users).where(eq(users.id, id))).length === 1;

  it("runs behind the primary by its apply delay (the premise of the other tests)", async () => {
    expect(applyDelayMs, "the test replica must apply the WAL late: recovery_min_apply_delay of 1 s or more").toBeGreaterThanOrEqual(1000);
    expect(replicaStatus()).toMatchObject([{ up: true }]);
  });

  it("sends another user's read to the replica, which does not have a fresh write yet and has it after its delay", async () => {
    asRequest("writer-1", undefined, () => {});
    const [user] = await withTx((tx) => tx.insert(users).values({ name: "Replica Reader", email: `replica-${Date.now()}@example.test` }).returning({ id: users.id }));
    const before = await reads();
    asRequest("someone-else-1");
    expect(await findUser(user!.id)).toBe(false);
    expect((await reads())("replica", "replica") - before("replica", "replica")).toBe(1);
    const visibleAfter = await until(() => findUser(user!.id), 10_000);
    expect(visibleAfter).toBeGreaterThan(applyDelayMs / 4);
  });

  it("shows a user their own write on the same request and the very next one, while the replica is behind", async () => {
    let position: string | undefined;
    asRequest("own-1", undefined, (lsn) => (position = lsn));
    const [user] = await withTx((tx) => tx.insert(users).values({ name: "Own Write", email: `own-${Date.now()}@example.test` }).returning({ id: users.id }));
    expect(position, "the write's WAL position is remembered for the browser").toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const before = await reads();
    // The rest of the writing request: the primary.
    expect(await findUser(user!.id)).toBe(true);
    // The next request, with the position its browser carries: the replica has not replayed it, so the primary.
    asRequest("own-2", position);
    expect(await findUser(user!.id)).toBe(true);
    const after = await reads();
    expect(after("primary", "own_write") - before("primary", "own_write")).toBe(1);
    expect(after("primary", "replica_behind") - before("primary", "replica_behind")).toBe(1);
    // Someone else, meanwhile, reads the replica and does not see it yet.
    asRequest("other-2");
    expect(await findUser(user!.id)).toBe(false);
    // Once the replica has replayed past the position, that browser reads the replica again, and sees its write.
    await until(async () => {
      await pollReplicasNow();
      asRequest("own-3", position);
      const seen = await reads();
      const found = await findUser(user!.id);
      return found && (await reads())("replica", "caught_up") - seen("replica", "caught_up") === 1;
    }, 10_000);
  });

  it("writes outside a transaction count too", async () => {
    let position: string | undefined;
    asRequest("plain-1", undefined, (lsn) => (position = lsn));
    const [user] = await getReadDb().insert(users).values({ name: "Plain Write", email: `plain-${Date.now()}@example.test` }).returning({ id: users.id });
    expect(position).toBeDefined();
    asRequest("plain-2", position);
    expect(await findUser(user!.id)).toBe(true);
  });

  it("skips a replica that goes away, at once, and uses it again when it is back", async () => {
    const [row] = await getDb().select({ id: users.id }).from(users).limit(1);
    asRequest("down-1");
    await relay.stop();
    // The read that finds it gone is answered by the primary.
    const started = Date.now();
    expect(await findUser(row!.id)).toBe(true);
    const fallbackMs = Date.now() - started;
    expect(fallbackMs).toBeLessThan(2000);
    expect(replicaStatus()).toMatchObject([{ up: false }]);
    const before = await reads();
    asRequest("down-2");
    expect(await findUser(row!.id)).toBe(true);
    expect((await reads())("primary", "replica_down") - before("primary", "replica_down")).toBe(1);
    await relay.start();
    const backAfter = await until(async () => (await pollReplicasNow(), replicaStatus()[0]?.up === true), 10_000);
    const again = await reads();
    asRequest("down-3");
    expect(await findUser(row!.id)).toBe(true);
    expect((await reads())("replica", "replica") - again("replica", "replica")).toBe(1);
    process.stdout.write(`lib/db/replicas.test.ts: replica cut: a read fell back to the primary in ${fallbackMs} ms; back in use ${backAfter} ms after it returned\n`);
  });

  it("reads the primary outside a request (a job reads what it wrote)", async () => {
    setReadScopeForTests(async () => undefined);
    const before = await reads();
    await getReadDb().select({ n: sql<number>`1` }).from(users).limit(1);
    expect((await reads())("primary", "outside_request") - before("primary", "outside_request")).toBe(1);
  });
});
