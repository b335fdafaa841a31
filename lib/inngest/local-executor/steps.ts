import type { LocalExecutorLog } from "./executor";
import {
  delay,
  errorOf,
  HEADER_NO_RETRY,
  isRecord,
  retryAfterMs,
  sleepDurationMs,
  SUPPORTED_OPS,
  toJsonError,
  type HandlerReply,
  type Op,
  type Outcome,
  type RequestOutcome,
  type Run,
  type StepState,
} from "./protocol";

// Retries and steps: how one run is driven to its end. Each request is retried with attempt+1 until it makes
// progress; the ops it answers are recorded (a step's result), run (planned steps, in parallel) or slept on; the function
// is then asked again until it completes or fails.

const MAX_LOOP_ITERATIONS = 10_000;

type DriverOptions = {
  log: LocalExecutorLog;
  now: () => Date;
  backoffMs: (attempt: number) => number;
  maxSleepMs: number;
  /** One request to the serve handler (protocol.ts's requestStep, with the run's slots). */
  call: (run: Run, stepId: string, attempt: number) => Promise<HandlerReply>;
};

export function createRunDriver({ log, now, backoffMs, maxSleepMs, call }: DriverOptions): (run: Run) => Promise<Outcome> {
  /** One logical request (a queue item, in server terms): retried with attempt+1 until it makes progress. */
  const executeRequest = async (run: Run, stepId: string): Promise<RequestOutcome> => {
    for (let attempt = 0; ; attempt++) {
      run.lastAttempt = attempt;
      let reply: HandlerReply;
      try {
        reply = await call(run, stepId, attempt);
      } catch (err) {
        // The handler itself threw (not a function error): treat like a 500 from the SDK.
        reply = { status: 500, headers: new Headers(), body: errorOf(err) };
      }
      const lastAttempt = attempt + 1 >= run.reg.maxAttempts;
      const waitBeforeRetry = () => {
        run.retries++;
        return delay(retryAfterMs(reply.headers.get("retry-after"), now()) ?? backoffMs(attempt + 1));
      };

      if (reply.status === 200) return { kind: "done", data: reply.body };

      if (reply.status === 206) {
        const ops = (Array.isArray(reply.body) ? reply.body : [reply.body]).filter(
          (op): op is Op => isRecord(op) && typeof op.op === "string" && typeof op.id === "string",
        );
        const stepError = ops.find((op) => op.op === "StepError");
        if (stepError) {
          if (!lastAttempt) {
            log.warn(
              { functionId: run.reg.id, runId: run.runId, eventId: run.event.id, attempt, step: stepError.displayName ?? stepError.name, error: toJsonError(stepError.error).message },
              "local executor: step errored; retrying",
            );
            await waitBeforeRetry();
            continue;
          }
          // Older SDKs send StepError on the last attempt; the server converts it to StepFailed.
          stepError.op = "StepFailed";
        }
        return { kind: "ops", ops };
      }

      if (reply.status === 401) {
        return {
          kind: "failed",
          error: { name: "LocalExecutorError", message: "The serve handler rejected the request (401): the Inngest client must be in dev mode (isDev: true) for the local executor" },
        };
      }

      const error = toJsonError(reply.body, `Function request failed with status ${reply.status}`);
      const noRetry = reply.headers.get(HEADER_NO_RETRY) === "true";
      if (noRetry || lastAttempt) return { kind: "failed", error };
      log.warn(
        { functionId: run.reg.id, runId: run.runId, eventId: run.event.id, attempt, status: reply.status, error: error.message },
        "local executor: function errored; retrying",
      );
      await waitBeforeRetry();
    }
  };

  const record = (run: Run, id: string, state: StepState) => {
    if (!(id in run.steps)) run.stack.push(id);
    run.steps[id] = state;
  };

  const processOps = async (run: Run, ops: Op[]): Promise<Outcome> => {
    if (ops.length === 0) return { kind: "failed", error: { name: "LocalExecutorError", message: "The SDK returned no ops" } };
    // Check the whole batch before starting any of it, so that no step runs for a run that is about to fail.
    const unsupported = ops.find((op) => !SUPPORTED_OPS.has(op.op));
    if (unsupported) {
      return {
        kind: "failed",
        error: {
          name: "LocalExecutorError",
          message: `${unsupported.op} (step "${unsupported.displayName ?? unsupported.id}") is not supported by the local executor; use the Inngest dev server or cloud for step.invoke, step.waitForEvent, step.waitForSignal, step.ai and gateway steps`,
        },
      };
    }
    const sleeps = new Map<Op, number>();
    for (const op of ops.filter((o) => o.op === "Sleep")) {
      const requested = sleepDurationMs(op.name, now());
      if (requested === undefined) {
        return { kind: "failed", error: { name: "LocalExecutorError", message: `Cannot parse sleep "${op.name}" of step "${op.displayName ?? op.id}"` } };
      }
      let ms = Math.max(requested, 0);
      if (ms > maxSleepMs) {
        log.warn({ functionId: run.reg.id, runId: run.runId, step: op.displayName, requestedMs: ms, maxSleepMs }, "local executor: sleep shortened");
        ms = maxSleepMs;
      }
      sleeps.set(op, ms);
    }
    const complete = ops.find((op) => op.op === "RunComplete");

    const work: Promise<Outcome>[] = [];
    for (const op of ops) {
      switch (op.op) {
        case "StepRun":
        case "Step":
          record(run, op.id, { data: op.data ?? null });
          break;
        case "StepFailed":
          record(run, op.id, { error: toJsonError(op.error) });
          break;
        case "StepPlanned":
          if (!complete) {
            work.push(executeRequest(run, op.id).then((outcome) => (outcome.kind === "ops" ? processOps(run, outcome.ops) : outcome)));
          }
          break;
        case "Sleep":
          if (!complete) {
            work.push(
              delay(sleeps.get(op) ?? 0).then(() => {
                record(run, op.id, { data: null });
                return { kind: "continue" } as const;
              }),
            );
          }
          break;
        case "DeferAdd":
        case "DeferAbort":
          log.warn({ functionId: run.reg.id, runId: run.runId, op: op.op }, "local executor: defer() is not supported locally; ignored");
          break;
      }
    }
    if (complete) return { kind: "done", data: complete.data ?? null };
    const outcomes = await Promise.all(work);
    return outcomes.find((o) => o.kind === "failed") ?? outcomes.find((o) => o.kind === "done") ?? { kind: "continue" };
  };

  return async function drive(run: Run): Promise<Outcome> {
    for (let i = 0; i < MAX_LOOP_ITERATIONS; i++) {
      const outcome = await executeRequest(run, "step");
      if (outcome.kind !== "ops") return outcome;
      // Server behaviour: once the SDK reports parallel ops, every later step is planned before it runs.
      if (outcome.ops.length > 1) run.disableImmediateExecution = true;
      const next = await processOps(run, outcome.ops);
      if (next.kind !== "continue") return next;
    }
    return { kind: "failed", error: { name: "LocalExecutorError", message: `Run exceeded ${MAX_LOOP_ITERATIONS} requests` } };
  };
}
