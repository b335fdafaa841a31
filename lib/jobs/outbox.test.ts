import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jobRuns, outboxEvents } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { withTx } from "@/lib/db/transaction";
import { inngest } from "@/lib/jobs/client";
import { invitationCreated } from "@/lib/orgs/events";
import { recordJobFailure } from "@/lib/inngest/functions/record-job-failure";
import { createLocalExecutor } from "@/lib/inngest/local-executor/executor";
import { dispatchOutboxEvents, enqueueEvent, getOutboxBacklog, listDeadOutboxEvents, listStuckOutboxEvents, retryDeadOutboxEvents, setEventSender } from "@/lib/jobs/outbox";
import { createInvitation } from "@/lib/orgs/invitations";
import { seal } from "@/lib/seal";
import { createOrgWithRoles, mailTo, uniqueEmail } from "@/lib/testing/factories";
import { drainJobs, setEventSenderForTests } from "@/lib/testing/jobs";

// The outbox and the in-process executor end to end, with the app's own Inngest client (and so its job_runs
// middleware): an event written in a transaction runs its function after commit; failures are retried and recorded.

afterEach(() => {
  setEventSenderForTests(undefined);
  vi.unstubAllEnvs();
  resetEnvForTests();
});

async function outboxRow(id: string) {
  const [row] = await getDb().select().from(outboxEvents).where(eq(outboxEvents.id, id));
  return row!;
}

async function jobRunsOf(functionId: string) {
  return getDb().select().from(jobRuns).where(eq(jobRuns.functionId, functionId));
}

async function latestOutboxIdFor(invitationId: string) {
  const [row] = await getDb()
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(sql`${outboxEvents.data}->>'invitationId' = ${invitationId}`);
  return row!.id;
}

describe("outbox → executor", () => {
  it("an event written with its change runs its function after commit, once, and the run is recorded", async () => {
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("outboxed");
    const { id } = await createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } });
    expect(await mailTo(email)).toHaveLength(1);
    const row = await outboxRow(await latestOutboxIdFor(id));
    expect(row.dispatchedAt).toBeInstanceOf(Date);
    const runs = (await jobRunsOf("send-invitation-email")).filter((r) => r.eventId === row.id);
    expect(runs).toEqual([expect.objectContaining({ status: "completed", orgId: org.id, eventName: "orgs/invitation.created" })]);
  });

  it("in a process with no sender installed the event stays pending, unattempted, and goes out once one is", async () => {
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("no-sender");
    setEventSender(undefined);
    const { id } = await createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } });
    await drainJobs();
    const eventId = await latestOutboxIdFor(id);
    expect(await outboxRow(eventId)).toMatchObject({ dispatchedAt: null, attempts: 0, deadAt: null });
    expect(await mailTo(email)).toHaveLength(0);
    // What a server's re-dispatcher does a minute later.
    setEventSenderForTests(undefined);
    expect(await dispatchOutboxEvents([eventId])).toBe(1);
    await drainJobs();
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("a rolled-back change leaves no event behind", async () => {
    const { org } = await createOrgWithRoles();
    const before = await getDb().select({ n: sql<number>`count(*)::int` }).from(outboxEvents);
    await expect(
      withTx(async (tx) => {
        await enqueueEvent(tx, invitationCreated, { invitationId: randomUUID(), orgId: org.id, sealedToken: await seal("x") }, { orgId: org.id });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const after = await getDb().select({ n: sql<number>`count(*)::int` }).from(outboxEvents);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("Inngest unreachable: the request still succeeds, the event waits in the outbox and is delivered by the re-dispatcher", async () => {
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("later");
    setEventSenderForTests(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:8288");
    });
    const { id } = await createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } });
    await drainJobs();
    const outboxId = await latestOutboxIdFor(id);
    expect(await outboxRow(outboxId)).toMatchObject({ dispatchedAt: null, attempts: 1, lastError: expect.stringContaining("ECONNREFUSED") });
    expect(await mailTo(email)).toHaveLength(0);

    // Inngest is back; a minute later the re-dispatcher finds the row.
    setEventSenderForTests(undefined);
    expect(await listStuckOutboxEvents({ olderThanMs: 60_000 })).not.toContain(outboxId);
    const later = new Date(Date.now() + 61_000);
    expect(await listStuckOutboxEvents({ olderThanMs: 60_000, now: later, limit: 10_000 })).toContain(outboxId);
    // Only this test's row: on a shared database other files' rows may be pending too.
    await dispatchOutboxEvents([outboxId]);
    expect(await mailTo(email)).toHaveLength(1);
    expect((await outboxRow(outboxId)).dispatchedAt).toBeInstanceOf(Date);
  });

  it("an event Inngest keeps refusing is dead-lettered after OUTBOX_MAX_ATTEMPTS, left alone by the re-dispatcher, and sent on retry", async () => {
    vi.stubEnv("OUTBOX_MAX_ATTEMPTS", "3");
    resetEnvForTests();
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("dead-letter");
    setEventSenderForTests(async () => {
      throw new Error("Inngest API Error: 400 event too large");
    });
    const { id } = await createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } });
    await drainJobs();
    const outboxId = await latestOutboxIdFor(id);
    const later = new Date(Date.now() + 61_000);
    expect(await listStuckOutboxEvents({ olderThanMs: 60_000, now: later, limit: 10_000 })).toContain(outboxId);
    await dispatchOutboxEvents([outboxId]); // the re-dispatcher's second and third tries
    await dispatchOutboxEvents([outboxId]);
    expect(await outboxRow(outboxId)).toMatchObject({ dispatchedAt: null, attempts: 3, deadAt: expect.any(Date), lastError: expect.stringContaining("too large") });
    expect(await listStuckOutboxEvents({ olderThanMs: 60_000, now: later, limit: 10_000 })).not.toContain(outboxId);
    expect((await listDeadOutboxEvents({ limit: 1000 })).map((e) => e.id)).toContain(outboxId);
    expect((await getOutboxBacklog()).dead).toBeGreaterThanOrEqual(1);

    // Fixed: an operator retries it; it goes out at once and the mail is sent.
    setEventSenderForTests(undefined);
    expect(await retryDeadOutboxEvents({ ids: [outboxId] })).toBe(1);
    await drainJobs();
    expect(await outboxRow(outboxId)).toMatchObject({ deadAt: null, dispatchedAt: expect.any(Date) });
    expect(await mailTo(email)).toHaveLength(1);
    expect(await retryDeadOutboxEvents({ ids: [outboxId] })).toBe(0);
  });

  it("a crash after Inngest got the event but before it was marked sent: the re-dispatch is dropped as a duplicate", async () => {
    const { org, actors } = await createOrgWithRoles();
    const email = uniqueEmail("once");
    const { id } = await createInvitation({ actor: actors.owner, input: { orgId: org.id, email, role: "member" } });
    expect(await mailTo(email)).toHaveLength(1);
    const outboxId = await latestOutboxIdFor(id);
    // What the database looks like if the process died between send and mark.
    await getDb().update(outboxEvents).set({ dispatchedAt: null }).where(eq(outboxEvents.id, outboxId));
    expect(await listStuckOutboxEvents({ olderThanMs: 60_000, now: new Date(Date.now() + 61_000), limit: 10_000 })).toContain(outboxId);
    await dispatchOutboxEvents([outboxId]);
    expect(await mailTo(email)).toHaveLength(1);
  });
});

describe("retries and failures (the app's client and middleware, a dedicated executor)", () => {
  const calls = { flaky: 0, after: 0, broken: 0 };

  const flaky = inngest.createFunction({ id: `test-flaky-${randomUUID().slice(0, 6)}`, triggers: [{ event: "test/flaky" }], retries: 3 }, async ({ step }) => {
    const value = await step.run("flaky step", () => {
      calls.flaky++;
      if (calls.flaky < 3) throw new Error(`attempt ${calls.flaky} failed`);
      return "ok";
    });
    await step.run("next step", () => {
      calls.after++;
    });
    return value;
  });

  const broken = inngest.createFunction({ id: `test-broken-${randomUUID().slice(0, 6)}`, triggers: [{ event: "test/broken" }], retries: 1 }, async ({ step }) => {
    await step.run("always fails", () => {
      calls.broken++;
      throw new Error("the mail server said no");
    });
  });

  const functions = [flaky, broken, recordJobFailure];
  const handler = serve({ client: inngest, functions });
  const executor = createLocalExecutor({
    appId: inngest.id,
    functions,
    handler: (request) => handler.POST(request as NextRequest, undefined),
    backoffMs: () => 10,
  });

  it("a step that fails twice then succeeds is retried and completes once; later steps run once", async () => {
    const { ids } = await executor.send([{ name: "test/flaky", data: {} }]);
    await executor.idle();
    expect(calls.flaky).toBe(3);
    expect(calls.after).toBe(1);
    const [run] = (await jobRunsOf(flaky.id())).filter((r) => r.eventId === ids[0]);
    expect(run).toMatchObject({ status: "completed", attempts: 3 });
  });

  it("a function that keeps failing ends in job_runs as failed, with its error", async () => {
    const { ids } = await executor.send([{ name: "test/broken", data: { orgId: randomUUID() } }]);
    await executor.idle();
    expect(calls.broken).toBe(2); // retries: 1 → two attempts
    const [run] = (await jobRunsOf(broken.id())).filter((r) => r.eventId === ids[0]);
    expect(run).toMatchObject({ status: "failed", error: expect.stringContaining("the mail server said no") });
    expect(run!.finishedAt).toBeInstanceOf(Date);
  });
});
