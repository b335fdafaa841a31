import { Inngest, NonRetriableError, RetryAfterError, type FailureEventArgs, type InngestFunction } from "inngest";
import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalExecutor, type LocalExecutor } from "./executor";

// End-to-end through the SDK's real serve() handler: every run below is executed by inngest's own engine, the
// executor only plays the server's part of the protocol.

const silent = { info() {}, warn() {}, error() {}, debug() {} };

type LogEntry = { level: "info" | "warn" | "error"; obj: Record<string, unknown>; msg: string };

const executors: LocalExecutor[] = [];
afterEach(() => {
  for (const executor of executors.splice(0)) executor.stopCrons();
});

function harness(build: (client: Inngest) => InngestFunction.Any[], backoffMs: (attempt: number) => number = () => 5, maxConcurrentSteps?: number) {
  const logs: LogEntry[] = [];
  // The client needs the executor's fetch (step.sendEvent / inngest.send) and the executor needs the functions,
  // which need the client: bind late, as the app does.
  const client = new Inngest({
    id: "executor-test",
    isDev: true,
    logger: silent,
    fetch: (input, init) => executor.fetch(input, init),
  });
  const functions = build(client);
  const { POST } = serve({ client, functions });
  const executor: LocalExecutor = createLocalExecutor({
    appId: client.id,
    functions,
    handler: (request) => POST(request as NextRequest, undefined),
    backoffMs,
    maxConcurrentSteps,
    log: {
      info: (obj, msg) => logs.push({ level: "info", obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => logs.push({ level: "warn", obj: obj as Record<string, unknown>, msg }),
      error: (obj, msg) => logs.push({ level: "error", obj: obj as Record<string, unknown>, msg }),
    },
  });
  executors.push(executor);
  return { client, executor, logs };
}

describe("local executor (through the real serve handler)", () => {
  it("runs at most maxConcurrentSteps steps at once however many events arrive together, and finishes them all", async () => {
    let running = 0;
    let most = 0;
    let done = 0;
    const { executor } = harness(
      (client) => [
        client.createFunction({ id: "burst", triggers: [{ event: "test/burst" }] }, async ({ step }) => {
          await step.run("work", async () => {
            most = Math.max(most, ++running);
            await new Promise((resolve) => setTimeout(resolve, 20));
            running--;
            done++;
          });
        }),
      ],
      () => 5,
      3,
    );
    await executor.send(Array.from({ length: 30 }, (_, i) => ({ name: "test/burst", data: { i } })));
    await executor.idle();
    expect(done).toBe(30);
    expect(most).toBe(3);
  });

  it("runs each step of a 3-step function exactly once, completes, and exposes the return value", async () => {
    const counts = { a: 0, b: 0, c: 0, body: 0 };
    const finished: unknown[] = [];
    const { executor, logs } = harness((client) => [
      client.createFunction({ id: "three-steps", triggers: [{ event: "test/three" }] }, async ({ event, step }) => {
        counts.body++;
        const a = await step.run("a", () => {
          counts.a++;
          return (event.data as { n: number }).n + 1;
        });
        const b = await step.run("b", () => {
          counts.b++;
          return a * 2;
        });
        const c = await step.run("c", () => {
          counts.c++;
          return { total: b + 1 };
        });
        return { result: c.total };
      }),
      // The return value is observable the Inngest way: a function triggered by inngest/function.finished.
      client.createFunction(
        { id: "finished-observer", triggers: [{ event: "inngest/function.finished", if: "event.data.function_id == 'executor-test-three-steps'" }] },
        async ({ event }) => {
          finished.push(event.data);
        },
      ),
    ]);

    const { ids } = await executor.send([{ name: "test/three", data: { n: 1 } }]);
    await executor.idle();

    expect(counts).toEqual({ a: 1, b: 1, c: 1, body: 4 }); // body: 3 discoveries that ran a step + 1 that returned
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ function_id: "executor-test-three-steps", result: { result: 5 }, event: { id: ids[0], name: "test/three" } });
    const started = logs.find((l) => l.msg.includes("run started") && l.obj.functionId === "executor-test-three-steps");
    const done = logs.find((l) => l.msg.includes("run finished") && l.obj.functionId === "executor-test-three-steps");
    expect(started?.obj).toMatchObject({ eventId: ids[0], attempt: 0 });
    expect(done?.obj.runId).toBe(started?.obj.runId);
    expect(done?.obj).toHaveProperty("attempt");
  });

  it("retries a failing step with backoff without re-running memoized steps", async () => {
    const counts = { first: 0, flaky: 0, last: 0, completions: 0 };
    const attemptsSeen: number[] = [];
    const backoffs: number[] = [];
    const { executor } = harness(
      (client) => [
        client.createFunction({ id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] }, async ({ step, attempt }) => {
          await step.run("first", () => {
            counts.first++;
          });
          const value = await step.run("flaky", () => {
            counts.flaky++;
            attemptsSeen.push(attempt);
            if (counts.flaky <= 2) throw new Error(`transient ${counts.flaky}`);
            return "ok";
          });
          await step.run("last", () => {
            counts.last++;
          });
          counts.completions++;
          return value;
        }),
      ],
      (attempt) => {
        backoffs.push(attempt);
        return 5;
      },
    );

    await executor.send([{ name: "test/flaky", data: {} }]);
    await executor.idle();

    expect(counts).toEqual({ first: 1, flaky: 3, last: 1, completions: 1 });
    expect(attemptsSeen).toEqual([0, 1, 2]);
    expect(backoffs).toEqual([1, 2]);
  });

  it("fails after retries + 1 attempts and runs onFailure once with the error", async () => {
    let attempts = 0;
    const failures: { message: string; functionId: unknown; originalEventName: unknown }[] = [];
    const globalFailures: unknown[] = [];
    const { executor, logs } = harness((client) => [
      client.createFunction(
        {
          id: "always-fails",
          retries: 2,
          triggers: [{ event: "test/fail" }],
          onFailure: async ({ error, event }: FailureEventArgs) => {
            failures.push({ message: error.message, functionId: event.data.function_id, originalEventName: event.data.event.name });
          },
        },
        async ({ step }) => {
          await step.run("boom", () => {
            attempts++;
            throw new Error("kaboom");
          });
        },
      ),
      client.createFunction({ id: "global-failure-listener", triggers: [{ event: "inngest/function.failed" }] }, async ({ event }) => {
        globalFailures.push(event.data);
      }),
    ]);

    await executor.send([{ name: "test/fail", data: {} }]);
    await executor.idle();

    expect(attempts).toBe(3);
    expect(failures).toEqual([{ message: "kaboom", functionId: "executor-test-always-fails", originalEventName: "test/fail" }]);
    expect(globalFailures).toHaveLength(1);
    expect(globalFailures[0]).toMatchObject({ function_id: "executor-test-always-fails", error: { name: "Error", message: "kaboom" } });
    const failed = logs.filter((l) => l.level === "error" && l.msg.includes("run failed"));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.obj).toMatchObject({ functionId: "executor-test-always-fails", eventName: "test/fail", retries: 2 });
  });

  it("does not retry a NonRetriableError", async () => {
    let attempts = 0;
    let failureMessage: string | undefined;
    const { executor } = harness((client) => [
      client.createFunction(
        {
          id: "non-retriable",
          retries: 5,
          triggers: [{ event: "test/non-retriable" }],
          onFailure: async ({ error }: FailureEventArgs) => {
            failureMessage = error.message;
          },
        },
        async () => {
          attempts++;
          throw new NonRetriableError("bad input");
        },
      ),
    ]);

    await executor.send([{ name: "test/non-retriable", data: {} }]);
    await executor.idle();

    expect(attempts).toBe(1);
    expect(failureMessage).toBe("bad input");
  });

  it("waits as long as a RetryAfterError asks before retrying", async () => {
    const calls: number[] = [];
    const { executor } = harness((client) => [
      client.createFunction({ id: "retry-after", triggers: [{ event: "test/retry-after" }] }, async ({ step }) => {
        await step.run("rate-limited", () => {
          calls.push(Date.now());
          if (calls.length === 1) throw new RetryAfterError("slow down", new Date(Date.now() + 300));
        });
      }),
    ]);

    await executor.send([{ name: "test/retry-after", data: {} }]);
    await executor.idle();

    expect(calls).toHaveLength(2);
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(250); // the backoff alone would be 5ms
  });

  it("sleeps with step.sleep and then continues", async () => {
    const times: number[] = [];
    let after = 0;
    const { executor } = harness((client) => [
      client.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
        const started = await step.run("before", () => Date.now());
        await step.sleep("nap", "1s");
        await step.run("after", () => {
          after++;
          times.push(Date.now() - started);
        });
      }),
    ]);

    await executor.send([{ name: "test/sleep", data: {} }]);
    await executor.idle();

    expect(after).toBe(1);
    expect(times[0]).toBeGreaterThanOrEqual(950);
  });

  it("ignores a repeated event id and honours an event.data idempotency key", async () => {
    let plain = 0;
    const keyed: string[] = [];
    const { executor } = harness((client) => [
      client.createFunction({ id: "plain", triggers: [{ event: "test/dedup" }] }, async () => {
        plain++;
      }),
      client.createFunction({ id: "keyed", idempotency: "event.data.key", triggers: [{ event: "test/idem" }] }, async ({ event }) => {
        keyed.push((event.data as { key: string; n: number }).key + (event.data as { n: number }).n);
      }),
    ]);

    const first = await executor.send([{ id: "evt-1", name: "test/dedup", data: {} }]);
    const second = await executor.send([{ id: "evt-1", name: "test/dedup", data: {} }]);
    await executor.send([
      { id: "a", name: "test/idem", data: { key: "k1", n: 1 } },
      { id: "b", name: "test/idem", data: { key: "k1", n: 2 } },
      { id: "c", name: "test/idem", data: { key: "k2", n: 3 } },
    ]);
    await executor.idle();

    expect(first.ids).toEqual(["evt-1"]);
    expect(second.ids).toEqual(["evt-1"]);
    expect(plain).toBe(1);
    expect(keyed.sort()).toEqual(["k11", "k23"]);
  });

  it("runs parallel steps once each, then continues with planned steps", async () => {
    const counts = { left: 0, right: 0, after: 0 };
    let result: unknown;
    const { executor } = harness((client) => [
      client.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
        const [l, r] = await Promise.all([
          step.run("left", async () => {
            counts.left++;
            return 2;
          }),
          step.run("right", async () => {
            counts.right++;
            return 3;
          }),
        ]);
        const sum = await step.run("after", () => {
          counts.after++;
          return l + r;
        });
        result = sum;
        return sum;
      }),
    ]);

    await executor.send([{ name: "test/parallel", data: {} }]);
    await executor.idle();

    expect(counts).toEqual({ left: 1, right: 1, after: 1 });
    expect(result).toBe(5);
  });

  it("resolves Promise.race with the step that completed first (completion-order stack)", async () => {
    const winners: string[] = [];
    const { executor } = harness((client) => [
      client.createFunction({ id: "race", triggers: [{ event: "test/race" }] }, async ({ step }) => {
        const winner = await Promise.race([
          step.run("slow", async () => {
            await new Promise((resolve) => setTimeout(resolve, 150));
            return "slow";
          }),
          step.run("fast", async () => "fast"),
        ]);
        await step.run("record", () => {
          winners.push(winner);
        });
      }),
    ]);

    await executor.send([{ name: "test/race", data: {} }]);
    await executor.idle();

    expect(winners).toEqual(["fast"]);
  });

  it("routes step.sendEvent (and inngest.send) through the executor to trigger other functions", async () => {
    const received: unknown[] = [];
    let sendResult: unknown;
    const { client, executor } = harness((c) => [
      c.createFunction({ id: "producer", triggers: [{ event: "test/produce" }] }, async ({ event, step }) => {
        sendResult = await step.sendEvent("forward", { name: "test/consume", data: { from: event.id } });
      }),
      c.createFunction({ id: "consumer", triggers: [{ event: "test/*" }] }, async ({ event }) => {
        if (event.name === "test/consume") received.push(event.data);
      }),
    ]);

    const { ids } = await executor.send([{ name: "test/produce", data: {} }]);
    await executor.idle();
    expect(received).toEqual([{ from: ids[0] }]);
    expect(sendResult).toMatchObject({ ids: [expect.any(String)] });

    await client.send({ name: "test/consume", data: { direct: true } });
    await executor.idle();
    expect(received).toEqual([{ from: ids[0] }, { direct: true }]);
  });

  it("limits concurrency per event.data key", async () => {
    let running = 0;
    const maxByOrg = new Map<string, number>();
    let maxOverall = 0;
    const { executor } = harness((client) => [
      client.createFunction(
        { id: "per-org", concurrency: { limit: 1, key: "event.data.orgId" }, triggers: [{ event: "test/org" }] },
        async ({ event, step }) => {
          const org = (event.data as { orgId: string }).orgId;
          await step.run("work", async () => {
            running++;
            maxOverall = Math.max(maxOverall, running);
            const active = (maxByOrg.get(`${org}:active`) ?? 0) + 1;
            maxByOrg.set(`${org}:active`, active);
            maxByOrg.set(org, Math.max(maxByOrg.get(org) ?? 0, active));
            await new Promise((resolve) => setTimeout(resolve, 200));
            maxByOrg.set(`${org}:active`, active - 1);
            running--;
          });
        },
      ),
    ]);

    await executor.send([
      { name: "test/org", data: { orgId: "a" } },
      { name: "test/org", data: { orgId: "a" } },
      { name: "test/org", data: { orgId: "b" } },
    ]);
    await executor.idle();

    expect(maxByOrg.get("a")).toBe(1);
    expect(maxByOrg.get("b")).toBe(1);
    expect(maxOverall).toBe(2); // org b ran alongside org a
  });

  it("fails clearly on steps the local executor does not support", async () => {
    let failure: string | undefined;
    const { executor } = harness((client) => [
      client.createFunction(
        {
          id: "waits",
          triggers: [{ event: "test/wait" }],
          onFailure: async ({ error }: FailureEventArgs) => {
            failure = error.message;
          },
        },
        async ({ step }) => {
          await step.waitForEvent("wait", { event: "test/other", timeout: "1h" });
        },
      ),
    ]);

    await executor.send([{ name: "test/wait", data: {} }]);
    await executor.idle();

    expect(failure).toMatch(/WaitForEvent.*not supported by the local executor/);
  });

  it("runs a cron function now and on its schedule", async () => {
    const events: { name: string; cron: unknown }[] = [];
    const { executor } = harness((client) => [
      client.createFunction({ id: "ticker", triggers: [{ cron: "* * * * * *" }] }, async ({ event }) => {
        events.push({ name: event.name, cron: (event.data as { cron?: unknown }).cron });
      }),
    ]);

    await executor.runCronNow("ticker");
    expect(events).toEqual([{ name: "inngest/scheduled.timer", cron: "* * * * * *" }]);
    await expect(executor.runCronNow("nope")).rejects.toThrow(/unknown function/);

    executor.startCrons();
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    executor.stopCrons();
    await executor.idle();
    expect(events.length).toBeGreaterThanOrEqual(2);

    const afterStop = events.length;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await executor.idle();
    expect(events.length).toBe(afterStop);
  });
});
