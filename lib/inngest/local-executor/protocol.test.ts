import { headerKeys, internalEvents, queryKeys, version } from "inngest";
import { describe, expect, it } from "vitest";
import {
  EVENT_FUNCTION_FAILED,
  EVENT_FUNCTION_FINISHED,
  EVENT_SCHEDULED_TIMER,
  HEADER_NO_RETRY,
  HEADER_REQUEST_VERSION,
  HEADER_SERVER_KIND,
  INNGEST_VERSION_CHECKED,
  requestStep,
  type Run,
} from "./protocol";

// The contract with the SDK: the local executor speaks the server's side of Inngest's wire protocol, which is not a
// public API. executor.test.ts drives real functions through the real serve() handler; this pins what it was checked
// against, so that an upgrade of `inngest` is a decision someone makes with the list below in hand.

describe("the local executor's contract with the inngest SDK", () => {
  it(`was checked against the installed inngest (${INNGEST_VERSION_CHECKED})`, () => {
    expect(
      version,
      `inngest is ${version}, the local executor (lib/inngest/local-executor/) was checked against ${INNGEST_VERSION_CHECKED}. ` +
        "Re-read node_modules/inngest: components/InngestCommHandler.js (the request: fnId/stepId, ctx fields, headers), " +
        "components/execution/engine.js (reply statuses 200/206/400/500, the ops and their fields, StepError vs StepFailed, " +
        "immediate execution), helpers/functions.js and api/schema.js (the body's schema); run lib/inngest/local-executor/*.test.ts " +
        "and the e2e jobs spec; then set INNGEST_VERSION_CHECKED in protocol.ts.",
    ).toBe(INNGEST_VERSION_CHECKED);
  });

  it("uses the SDK's own names for the headers, query keys and internal events it exchanges", () => {
    expect(HEADER_REQUEST_VERSION).toBe(headerKeys.RequestVersion);
    expect(HEADER_NO_RETRY).toBe(headerKeys.NoRetry);
    expect(HEADER_SERVER_KIND).toBe(headerKeys.InngestServerKind);
    expect(EVENT_FUNCTION_FAILED).toBe(internalEvents.FunctionFailed);
    expect(EVENT_FUNCTION_FINISHED).toBe(internalEvents.FunctionFinished);
    expect(EVENT_SCHEDULED_TIMER).toBe(internalEvents.ScheduledTimer);
  });

  it("sends a request the serve handler reads: fnId and stepId in the query, the run's state in the body", async () => {
    const run: Run = {
      reg: { id: "app-fn", shortId: "fn", kind: "main", triggers: [], crons: [], maxAttempts: 4, concurrency: [] },
      runId: "run-1",
      event: { id: "evt-1", name: "demo/thing.happened", data: { n: 1 }, ts: 0 },
      steps: { abc: { data: 1 } },
      stack: ["abc"],
      disableImmediateExecution: false,
      requestVersion: "2",
      lastAttempt: 0,
      retries: 0,
      concurrencyKeys: [],
    };
    let seen: Request | undefined;
    const reply = await requestStep(
      async (request) => {
        seen = request;
        return Response.json([{ op: "StepPlanned", id: "def" }], { status: 206, headers: { [headerKeys.RequestVersion]: "2" } });
      },
      run,
      "step",
      1,
      (_run, send) => send(),
    );
    const url = new URL(seen!.url);
    expect(url.searchParams.get(queryKeys.FnId)).toBe("app-fn");
    expect(url.searchParams.get(queryKeys.StepId)).toBe("step");
    expect(seen!.headers.get(headerKeys.RequestVersion)).toBe("2");
    expect(await seen!.json()).toMatchObject({
      event: run.event,
      events: [run.event],
      steps: run.steps,
      ctx: { run_id: "run-1", attempt: 1, max_attempts: 4, disable_immediate_execution: false, use_api: false, stack: { stack: ["abc"], current: 0 } },
    });
    expect(reply).toMatchObject({ status: 206, body: [{ op: "StepPlanned", id: "def" }] });
  });
});
