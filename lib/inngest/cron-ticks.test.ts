import { Inngest } from "inngest";
import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { jobCronTicks } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { claimCronTick, deleteCronTicksBefore } from "@/lib/jobs/cron-ticks";
import { createLocalExecutor, type LocalExecutor } from "@/lib/inngest/local-executor/executor";

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const executors: LocalExecutor[] = [];
afterEach(() => {
  for (const executor of executors.splice(0)) executor.stopCrons();
});

/** One "instance": its own Inngest client, serve() handler and executor, claiming ticks in the shared database. */
function instance(name: string, functionId: string, ran: { instance: string; at: number }[]) {
  const client = new Inngest({ id: "cron-ticks-test", isDev: true, logger: silent, fetch: (input, init) => executor.fetch(input, init) });
  const functions = [
    client.createFunction({ id: functionId, triggers: [{ cron: "* * * * * *" }] }, async () => {
      ran.push({ instance: name, at: Date.now() });
    }),
  ];
  const { POST } = serve({ client, functions });
  const executor = createLocalExecutor({
    appId: client.id,
    functions,
    handler: (request) => POST(request as NextRequest, undefined),
    log: silent,
    claimCronTick: (fnId, scheduledAt) => claimCronTick(fnId, scheduledAt, getDb(), name),
  });
  executors.push(executor);
  return executor;
}

describe("cron ticks across instances", () => {
  it("a claim succeeds once per (function, scheduled time), whoever asks", async () => {
    const at = new Date(Date.UTC(2026, 0, 1, 3, 17));
    const fn = `claim-${crypto.randomUUID()}`;
    const answers = await Promise.all(["a", "b", "c", "a"].map((who) => claimCronTick(fn, at, getDb(), who)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await claimCronTick(fn, new Date(at.getTime() + 60_000), getDb(), "b")).toBe(true);
  });

  it("three executors on one schedule run each tick exactly once", async () => {
    const fn = `every-second-${crypto.randomUUID().slice(0, 8)}`;
    const ran: { instance: string; at: number }[] = [];
    const cluster = ["a", "b", "c"].map((name) => instance(name, fn, ran));
    for (const executor of cluster) executor.startCrons();
    await new Promise((resolve) => setTimeout(resolve, 4200));
    for (const executor of cluster) executor.stopCrons();
    await Promise.all(cluster.map((executor) => executor.idle()));

    const ticks = await getDb().select().from(jobCronTicks).where(inArray(jobCronTicks.functionId, [`cron-ticks-test-${fn}`]));
    // Every second fired in all three; each tick was claimed once and ran once.
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ran).toHaveLength(ticks.length);
    const seconds = ticks.map((t) => t.scheduledAt.getTime());
    expect(new Set(seconds).size).toBe(seconds.length);
    for (const s of seconds) expect(s % 1000).toBe(0);
  });

  it("old claims are trimmed, recent ones kept", async () => {
    const fn = `trim-${crypto.randomUUID()}`;
    await claimCronTick(fn, new Date(), getDb(), "a");
    await getDb().insert(jobCronTicks).values({ functionId: fn, scheduledAt: new Date(0), claimedBy: "a", claimedAt: new Date(Date.now() - 3 * 86_400_000) });
    expect(await deleteCronTicksBefore(new Date(Date.now() - 86_400_000))).toBeGreaterThanOrEqual(1);
    const left = await getDb().select().from(jobCronTicks).where(inArray(jobCronTicks.functionId, [fn]));
    expect(left).toHaveLength(1);
  });
});
