import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq, inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterEach, describe, expect, it, vi } from "vitest";
import { activityEvents, invitations, jobRuns, outboxEvents, revokedSessions, storedFiles, userTokens } from "@/db/schema";
import { dropExpiredActivityPartitions, listActivityPartitions } from "@/lib/activity/partitions";
import { ensureActivityPartitions } from "@/lib/db/activity-partitions";
import { getDb } from "@/lib/db/client";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { maintainDatabase } from "@/lib/inngest/functions/maintain-database";
import { createOrg, createUser, uniqueEmail } from "@/lib/testing/factories";

// Each test runs the nightly job once and checks what it removed and what it kept. They share one database (the
// file's), so each asserts on its own rows; partitions are global, hence the partition tests restore what they change.

const DAY = 24 * 3600 * 1000;

// The tests with a second session (a reader holding activity_events) need a Postgres server.
const url = getEnv().DATABASE_URL;
if (!url) process.stdout.write("maintain-database.test.ts: the partition tests with a second session (a reader holding activity_events) need a Postgres server (DATABASE_URL), as in .ci/run's real-services run; skipped here\n");
const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  resetEnvForTests();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function run() {
  return new InngestTestEngine({ function: maintainDatabase }).execute({ events: [{ name: "inngest/scheduled.timer", data: { cron: "TZ=UTC 17 3 * * *" } }] });
}

type Result = {
  partitionsCreated: number;
  partitionsDropped: string[];
  tokens: number;
  invitations: number;
  revokedSessions: number;
  outbox: number;
  jobRuns: number;
  files: number;
};

const monthName = (d: Date) => `activity_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const monthStart = (d: Date, offset = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));

async function partitionNames() {
  return (await listActivityPartitions()).map((p) => p.name);
}

async function createPartition(from: Date) {
  const name = monthName(from);
  await getDb().execute(
    sql.raw(`create table if not exists ${name} partition of activity_events for values from ('${from.toISOString()}') to ('${monthStart(from, 1).toISOString()}')`),
  );
  return name;
}

describe("maintain-database", () => {
  it("creates the activity partitions of this month and the next two", async () => {
    const now = new Date();
    const ahead = monthName(monthStart(now, 2));
    // Drop the furthest one (made by an earlier run, and empty: nothing is dated two months ahead) for the job to make.
    await getDb().execute(sql.raw(`drop table if exists ${ahead}`));

    const { result, error } = await run();

    expect(error).toBeUndefined();
    expect((result as Result).partitionsCreated).toBe(1);
    expect(await partitionNames()).toEqual(expect.arrayContaining([monthName(now), monthName(monthStart(now, 1)), ahead]));
    // Run again: nothing left to create.
    expect(((await run()).result as Result).partitionsCreated).toBe(0);
  });

  it("drops the partitions past the retention (ACTIVITY_RETENTION_DAYS) with their rows, and keeps the others", async () => {
    const org = await createOrg();
    const now = new Date();
    const cutoff = new Date(now.getTime() - 400 * DAY); // the default retention
    const ancient = await createPartition(new Date(Date.UTC(2020, 0, 1)));
    const justExpired = await createPartition(monthStart(cutoff, -1)); // ends on the 1st of the cutoff's month
    const straddling = await createPartition(monthStart(cutoff)); // still holds rows younger than the cutoff
    await getDb()
      .insert(activityEvents)
      .values([
        { orgId: org.id, actorId: null, type: "org.created", subjectType: "organization", createdAt: new Date(Date.UTC(2020, 0, 15)) },
        { orgId: org.id, actorId: null, type: "org.updated", subjectType: "organization", createdAt: monthStart(cutoff) },
        { orgId: org.id, actorId: null, type: "org.updated", subjectType: "organization" },
      ]);

    try {
      const { result, error } = await run();

      expect(error).toBeUndefined();
      expect((result as Result).partitionsDropped.sort()).toEqual([ancient, justExpired].sort());
      const names = await partitionNames();
      expect(names).not.toContain(ancient);
      expect(names).not.toContain(justExpired);
      expect(names).toEqual(expect.arrayContaining([straddling, monthName(now), monthName(monthStart(now, 1))]));
      const left = await getDb().select({ type: activityEvents.type }).from(activityEvents).where(eq(activityEvents.orgId, org.id));
      expect(left.map((e) => e.type).sort()).toEqual(["org.updated", "org.updated"]);
    } finally {
      await getDb().execute(sql.raw(`drop table if exists ${straddling}`));
    }
  });

  it("follows ACTIVITY_RETENTION_DAYS: 0 keeps everything, another value moves the cutoff", async () => {
    // Partitions from 2020 only, and a cutoff in February 2020: nothing else in a shared database can be affected.
    const january = await createPartition(new Date(Date.UTC(2020, 0, 1)));
    const february = await createPartition(new Date(Date.UTC(2020, 1, 1)));
    try {
      vi.stubEnv("ACTIVITY_RETENTION_DAYS", "0");
      resetEnvForTests();
      expect(((await run()).result as Result).partitionsDropped).toEqual([]);
      expect(await partitionNames()).toEqual(expect.arrayContaining([january, february]));

      const days = Math.floor((Date.now() - Date.UTC(2020, 1, 15)) / DAY);
      vi.stubEnv("ACTIVITY_RETENTION_DAYS", String(days));
      resetEnvForTests();
      expect(((await run()).result as Result).partitionsDropped).toEqual([january]);
      expect(await partitionNames()).not.toContain(january);
      expect(await partitionNames()).toContain(february);
    } finally {
      await getDb().execute(sql.raw(`drop table if exists ${january}, ${february}`));
    }
  });

  it("purges link tokens that expired or were used over a day ago, and keeps usable ones", async () => {
    const user = await createUser();
    const now = Date.now();
    const token = (name: string, expiresAt: number, usedAt: number | null = null) => ({
      userId: user.id,
      purpose: "verify_email" as const,
      tokenHash: `${name}-${randomUUID()}`,
      expiresAt: new Date(expiresAt),
      usedAt: usedAt === null ? null : new Date(usedAt),
    });
    const rows = await getDb()
      .insert(userTokens)
      .values([
        token("expired", now - 60_000),
        token("used-2-days-ago", now + DAY, now - 2 * DAY),
        token("valid", now + DAY),
        token("used-an-hour-ago", now + DAY, now - 3600_000),
      ])
      .returning({ id: userTokens.id, tokenHash: userTokens.tokenHash });

    const { result } = await run();

    expect((result as Result).tokens).toBeGreaterThanOrEqual(2);
    const left = await getDb()
      .select({ tokenHash: userTokens.tokenHash })
      .from(userTokens)
      .where(inArray(userTokens.id, rows.map((r) => r.id)));
    expect(left.map((r) => r.tokenHash.replace(/-[0-9a-f-]{36}$/, "")).sort()).toEqual(["used-an-hour-ago", "valid"]);
  });

  it("purges invitations closed over 30 days ago, and keeps open and recently closed ones", async () => {
    const org = await createOrg();
    const now = Date.now();
    const invitation = (name: string, fields: { expiresAt?: number; acceptedAt?: number; revokedAt?: number }) => ({
      orgId: org.id,
      email: uniqueEmail(name),
      role: "member" as const,
      tokenHash: `${name}-${randomUUID()}`,
      expiresAt: new Date(fields.expiresAt ?? now + 7 * DAY),
      acceptedAt: fields.acceptedAt ? new Date(fields.acceptedAt) : null,
      revokedAt: fields.revokedAt ? new Date(fields.revokedAt) : null,
    });
    await getDb()
      .insert(invitations)
      .values([
        invitation("open", {}),
        invitation("expired-40-days-ago", { expiresAt: now - 40 * DAY }),
        invitation("revoked-40-days-ago", { revokedAt: now - 40 * DAY }),
        invitation("accepted-40-days-ago", { acceptedAt: now - 40 * DAY }),
        invitation("expired-5-days-ago", { expiresAt: now - 5 * DAY }),
        invitation("revoked-5-days-ago", { revokedAt: now - 5 * DAY }),
        invitation("accepted-5-days-ago", { acceptedAt: now - 5 * DAY }),
      ]);

    const { result } = await run();

    expect((result as Result).invitations).toBeGreaterThanOrEqual(3);
    const left = await getDb().select({ email: invitations.email }).from(invitations).where(eq(invitations.orgId, org.id));
    expect(left.map((r) => r.email.replace(/-[0-9a-f]{8}@example\.test$/, "")).sort()).toEqual([
      "accepted-5-days-ago",
      "expired-5-days-ago",
      "open",
      "revoked-5-days-ago",
    ]);
  });

  it("purges records of signed-out sessions past their absolute end, and keeps the ones a token could still use", async () => {
    const user = await createUser();
    const now = Date.now();
    await getDb()
      .insert(revokedSessions)
      .values([
        { sessionId: `ended-${randomUUID()}`, userId: user.id, expiresAt: new Date(now - 60_000) },
        { sessionId: `live-${randomUUID()}`, userId: user.id, expiresAt: new Date(now + DAY) },
      ]);

    const { result } = await run();

    expect((result as Result).revokedSessions).toBeGreaterThanOrEqual(1);
    const left = await getDb().select({ sessionId: revokedSessions.sessionId }).from(revokedSessions).where(eq(revokedSessions.userId, user.id));
    expect(left.map((r) => r.sessionId.slice(0, 4))).toEqual(["live"]);
  });

  it("trims the jobs' bookkeeping: old dispatched outbox rows, old job runs, expired files", async () => {
    const org = await createOrg();
    const now = Date.now();
    const outbox = await getDb()
      .insert(outboxEvents)
      .values([
        { name: "test/old-dispatched", data: {}, createdAt: new Date(now - 9 * DAY), dispatchedAt: new Date(now - 8 * DAY) },
        { name: "test/recent-dispatched", data: {}, createdAt: new Date(now - DAY), dispatchedAt: new Date(now - DAY) },
        { name: "test/old-pending", data: {}, createdAt: new Date(now - 9 * DAY) },
      ])
      .returning({ id: outboxEvents.id });
    const oldRun = `old-${randomUUID()}`;
    const recentRun = `recent-${randomUUID()}`;
    await getDb()
      .insert(jobRuns)
      .values([
        { runId: oldRun, functionId: "test", eventName: "test/e", status: "completed", startedAt: new Date(now - 31 * DAY) },
        { runId: recentRun, functionId: "test", eventName: "test/e", status: "failed", startedAt: new Date(now - 29 * DAY) },
      ]);
    const file = (name: string, expiresAt: number | null) => ({
      orgId: org.id,
      name,
      contentType: "text/csv",
      size: 1,
      data: Buffer.from("x"),
      expiresAt: expiresAt === null ? null : new Date(expiresAt),
    });
    await getDb()
      .insert(storedFiles)
      .values([file("expired.csv", now - 60_000), file("fresh.csv", now + DAY), file("upload.csv", null)]);

    const { result, error } = await run();

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ outbox: expect.any(Number), jobRuns: expect.any(Number), files: expect.any(Number) });
    const outboxLeft = await getDb()
      .select({ name: outboxEvents.name })
      .from(outboxEvents)
      .where(inArray(outboxEvents.id, outbox.map((r) => r.id)));
    expect(outboxLeft.map((r) => r.name).sort()).toEqual(["test/old-pending", "test/recent-dispatched"]);
    // A pending row nine days old would be the first thing other files' re-dispatch tests find on a shared database.
    await getDb().delete(outboxEvents).where(inArray(outboxEvents.id, outbox.map((r) => r.id)));
    const runsLeft = await getDb().select({ runId: jobRuns.runId }).from(jobRuns).where(inArray(jobRuns.runId, [oldRun, recentRun]));
    expect(runsLeft.map((r) => r.runId)).toEqual([recentRun]);
    const filesLeft = await getDb().select({ name: storedFiles.name }).from(storedFiles).where(eq(storedFiles.orgId, org.id));
    expect(filesLeft.map((f) => f.name).sort()).toEqual(["fresh.csv", "upload.csv"]);
  });
});

/** A session of its own holding `activity_events` as a long report would: a transaction that has read it. */
async function reader() {
  const client = postgres(url!, { max: 1, onnotice: () => {} });
  const session = await client.reserve();
  await session.unsafe("begin; select count(*) from activity_events").simple();
  let open = true;
  const end = async () => {
    if (open) await session.unsafe("rollback").simple();
    open = false;
    session.release();
    await client.end({ timeout: 5 });
  };
  cleanups.push(end);
  return { end };
}

describe("activity partitions without stopping the feed (drizzle/0010)", () => {
  it("a month created ahead is a full partition: rows land in it, its indexes exist, and its rows cannot be updated", async () => {
    const ahead = monthStart(new Date(), 2);
    await getDb().execute(sql.raw(`drop table if exists ${monthName(ahead)}`));
    expect(await ensureActivityPartitions(getDb())).toBe(1);
    expect((await listActivityPartitions()).map((p) => p.name)).toContain(monthName(ahead));

    const org = await createOrg();
    const createdAt = new Date(ahead.getTime() + 3600_000);
    await getDb().insert(activityEvents).values({ orgId: org.id, actorId: null, type: "org.updated", subjectType: "organization", createdAt });
    const inPartition = rowsOf(await getDb().execute(sql.raw(`select count(*)::int as n from ${monthName(ahead)} where org_id = '${org.id}'`)));
    expect(inPartition[0]!.n).toBe(1);
    const indexes = rowsOf(await getDb().execute(sql`select indexdef from pg_indexes where tablename = ${monthName(ahead)}`)).map((r) => String(r.indexdef));
    expect(indexes.some((d) => /UNIQUE INDEX .*\(id, created_at\)/.test(d))).toBe(true);
    expect(indexes.some((d) => /\(org_id, created_at DESC\)/.test(d))).toBe(true);
    await expect(getDb().execute(sql.raw(`update ${monthName(ahead)} set type = 'x' where org_id = '${org.id}'`))).rejects.toThrow();
    // The range check used to attach without a scan is gone: the bound says the same.
    const checks = rowsOf(await getDb().execute(sql`select conname from pg_constraint where conrelid = to_regclass(${monthName(ahead)}) and contype = 'c'`));
    expect(checks).toEqual([]);
    await getDb().execute(sql.raw(`delete from ${monthName(ahead)} where org_id = '${org.id}'`));
  });

  it("drops a month that a stopped run detached but did not drop, once past the retention", async () => {
    const name = "activity_events_2018_05";
    await getDb().execute(sql.raw(`create table if not exists ${name} (like activity_events)`));
    cleanups.push(() => getDb().execute(sql.raw(`drop table if exists ${name}`)));
    expect(await dropExpiredActivityPartitions({ retentionDays: 30, now: new Date(Date.UTC(2018, 3, 1)) })).not.toContain(name);
    expect(await dropExpiredActivityPartitions({ retentionDays: 30, now: new Date(Date.UTC(2019, 0, 1)) })).toContain(name);
    expect(rowsOf(await getDb().execute(sql`select to_regclass(${name}) as t`))[0]!.t).toBeNull();
  });

  it.skipIf(!url)("creating a month does not wait for a transaction that is reading the feed", async () => {
    const ahead = monthStart(new Date(), 2);
    await getDb().execute(sql.raw(`drop table if exists ${monthName(ahead)}`));
    const open = await reader();
    // CREATE TABLE … PARTITION OF would need ACCESS EXCLUSIVE on activity_events and wait for the reader (here, until
    // the function's own lock_timeout of 5 s); attaching needs SHARE UPDATE EXCLUSIVE, which a reader does not block.
    const started = Date.now();
    expect(await ensureActivityPartitions(getDb())).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    await open.end();
  });

  it.skipIf(!url)("retention detaches without blocking, and finishes a detach a stopped run left pending", async () => {
    const from = new Date(Date.UTC(2019, 0, 1));
    const name = monthName(from);
    await getDb().execute(sql.raw(`create table if not exists ${name} partition of activity_events for values from ('${from.toISOString()}') to ('${monthStart(from, 1).toISOString()}')`));
    cleanups.push(() => getDb().execute(sql.raw(`drop table if exists ${name}`)));

    // A detach stopped half-way: its first transaction committed, the second waits for the reader and is cancelled.
    const open = await reader();
    const detacher = postgres(url!, { max: 1, onnotice: () => {} });
    cleanups.push(() => detacher.end({ timeout: 5 }));
    const [row] = await detacher<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pid = row!.pid;
    const detaching = detacher.unsafe(`alter table activity_events detach partition ${name} concurrently`).then(() => "finished", (e: Error) => e.message);
    await expect.poll(async () => rowsOf(await getDb().execute(sql`select 1 from pg_stat_activity where pid = ${pid} and wait_event_type = 'Lock'`)).length, { timeout: 5000 }).toBe(1);
    await getDb().execute(sql`select pg_cancel_backend(${pid})`);
    expect(await detaching).toMatch(/cancel/);
    await open.end();
    expect((await listActivityPartitions()).find((p) => p.name === name)?.detachPending).toBe(true);

    // The nightly run finishes it (FINALIZE) and drops it; the months in use are kept.
    expect(await dropExpiredActivityPartitions({ retentionDays: 30, now: new Date(Date.UTC(2019, 3, 1)) })).toEqual([name]);
    expect((await listActivityPartitions()).map((p) => p.name)).not.toContain(name);
    expect(rowsOf(await getDb().execute(sql`select to_regclass(${name}) as t`))[0]!.t).toBeNull();
  });
});
