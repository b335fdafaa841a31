import { InngestTestEngine } from "@inngest/test";
import { inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outboxEvents } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { redispatchOutbox } from "@/lib/inngest/functions/redispatch-outbox";
import type { OutboxEvent } from "@/lib/jobs/outbox";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// Rows are inserted straight into outbox_events (as a crashed process would leave them), so nothing dispatches them
// but the job under test; its sender is a stand-in that records what it is handed. Each test deletes its rows after
// itself. On a shared Postgres other test files' rows can be in the outbox at the same time, so the assertions look
// at this file's rows only (`ownSent`).

let sent: OutboxEvent[][] = [];
const mine: string[] = [];
beforeEach(() => {
  sent = [];
  setEventSenderForTests(async (events) => {
    sent.push(events);
  });
});
afterEach(async () => {
  setEventSenderForTests(undefined);
  if (mine.length > 0) await getDb().delete(outboxEvents).where(inArray(outboxEvents.id, mine.splice(0)));
});

async function insertRows(values: (typeof outboxEvents.$inferInsert)[]) {
  const rows = await getDb().insert(outboxEvents).values(values).returning({ id: outboxEvents.id, name: outboxEvents.name });
  mine.push(...rows.map((r) => r.id));
  return rows;
}

function ownSent(): OutboxEvent[] {
  return sent.flat().filter((e) => mine.includes(e.id));
}

function run() {
  return new InngestTestEngine({ function: redispatchOutbox }).execute({ events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }] });
}

async function outboxRows(ids: string[]) {
  const rows = await getDb().select().from(outboxEvents).where(inArray(outboxEvents.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

describe("redispatch-outbox", () => {
  it("sends pending events older than a minute, with their row id as the event id, and marks them dispatched", async () => {
    const now = Date.now();
    const rows = await insertRows([
      { name: "test/stuck-old", data: { n: 1 }, createdAt: new Date(now - 10 * 60_000) },
      { name: "test/stuck", data: { n: 2 }, createdAt: new Date(now - 2 * 60_000), attempts: 1, lastError: "fetch failed" },
      { name: "test/young", data: { n: 3 }, createdAt: new Date(now - 20_000) },
      { name: "test/done", data: { n: 4 }, createdAt: new Date(now - 10 * 60_000), dispatchedAt: new Date(now - 9 * 60_000), attempts: 1 },
    ]);
    const id = Object.fromEntries(rows.map((r) => [r.name, r.id])) as Record<string, string>;

    const { result, error } = await run();

    expect(error).toBeUndefined();
    expect((result as { dispatched: number }).dispatched).toBeGreaterThanOrEqual(2);
    // One send, oldest first, carrying the row ids (Inngest drops an id it has already seen).
    expect(sent).toHaveLength(1);
    expect(ownSent()).toEqual([
      { id: id["test/stuck-old"], name: "test/stuck-old", data: { n: 1 } },
      { id: id["test/stuck"], name: "test/stuck", data: { n: 2 } },
    ]);
    const after = await outboxRows(Object.values(id));
    expect(after.get(id["test/stuck-old"]!)).toMatchObject({ attempts: 1, lastError: null, dispatchedAt: expect.any(Date) });
    expect(after.get(id["test/stuck"]!)).toMatchObject({ attempts: 2, lastError: null, dispatchedAt: expect.any(Date) });
    expect(after.get(id["test/young"]!)).toMatchObject({ attempts: 0, dispatchedAt: null });
    expect(after.get(id["test/done"]!)).toMatchObject({ attempts: 1, dispatchedAt: new Date(now - 9 * 60_000) });

    // The next minute finds nothing left to do.
    sent = [];
    await run();
    expect(ownSent()).toEqual([]);
  });

  it("sends nothing when no event is stuck", async () => {
    await insertRows([{ name: "test/young", data: {}, createdAt: new Date(Date.now() - 5_000) }]);

    await run();

    expect(ownSent()).toEqual([]);
  });

  it("leaves the events pending, with the error recorded, when Inngest cannot be reached", async () => {
    setEventSenderForTests(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:8288");
    });
    const [row] = await insertRows([{ name: "test/stuck", data: {}, createdAt: new Date(Date.now() - 5 * 60_000) }]);

    await run();

    expect((await outboxRows([row!.id])).get(row!.id)).toMatchObject({
      dispatchedAt: null,
      attempts: 1,
      lastError: "connect ECONNREFUSED 127.0.0.1:8288",
    });
  });

  it("sends at most 500 events per run, the oldest first", async () => {
    const base = Date.now() - 60 * 60_000;
    const rows = await insertRows(Array.from({ length: 520 }, (_, i) => ({ name: `test/e${i}`, data: {}, createdAt: new Date(base + i * 1000) })));

    const { result } = await run();

    // A run takes 500, oldest first. On a shared database an older row of another file may take a place or two.
    expect(result).toEqual({ dispatched: 500, stuck: 500 });
    const own = ownSent().map((e) => e.name);
    expect(own.length).toBeGreaterThanOrEqual(490);
    expect(own).toEqual(Array.from({ length: own.length }, (_, i) => `test/e${i}`));
    const after = await outboxRows(rows.map((r) => r.id));
    expect([...after.values()].filter((r) => r.dispatchedAt === null).map((r) => r.name).sort()).toEqual(
      Array.from({ length: 520 - own.length }, (_, i) => `test/e${own.length + i}`).sort(),
    );
  });
});
