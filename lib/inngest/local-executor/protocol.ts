import type { Registration } from "./registrations";

/**
 * Zero-setup local executor for Inngest functions: the wire protocol it speaks with the SDK's `serve()` handler.
 *
 * With no INNGEST_EVENT_KEY and no INNGEST_DEV, events are executed in-process: the executor calls the app's own
 * `serve()` POST handler exactly the way the Inngest server does, so memoization, step planning, retriability and
 * error serialization are the SDK's own logic. What this folder owns is the server side of the protocol (inngest v4,
 * verified against node_modules/inngest: components/InngestCommHandler.js, components/execution/engine.js,
 * helpers/functions.js, api/schema.js):
 *
 * - Request: `POST <any url>?fnId=<appId>-<fnId>&stepId=<"step" | hashed step id>` with JSON body
 *   `{ event, events, steps, ctx: { run_id, attempt, max_attempts, disable_immediate_execution, use_api: false,
 *   stack: { stack, current } } }`. `steps` is keyed by the SDK's hashed step id (sha1 of the step id, `id:N` for
 *   repeated ids, exactly the `id` of the ops the SDK returns) with `{ data }` or `{ error }` values, the shape the
 *   server stores; `ctx.stack.stack` lists those ids in completion order (parallel steps resolve in that order).
 *   `stepId=step` asks the SDK to discover (and, if exactly one new `step.run` is found and immediate execution is
 *   not disabled, run it at once); `stepId=<hash>` asks it to run that planned step.
 * - No `ctx.fn_id`/`qi_id` is sent: the SDK only turns on async checkpointing (which calls the Inngest API) when
 *   `ctx.fn_id` is present, so every run uses the plain request/response (StepMode.Async) protocol. `use_api: false`
 *   keeps it from fetching events/steps from the API. Nothing is sent to a dev server during POST execution.
 * - Responses: 200 = function resolved (body: return value); 206 = JSON array of ops: `StepRun` (a step ran; `data`),
 *   `StepError` (a step threw, retriable: retry the same request with attempt+1, honouring `retry-after`),
 *   `StepFailed` (a step threw for the last time or non-retriably: store `{ error }` and re-discover, so the user code
 *   sees a StepError it may catch), `StepPlanned` (run it with `stepId=<id>`), `Sleep` (`name` is "1h30m10s" or an
 *   ISO date; store `{ data: null }` when it elapses), `RunComplete`; 500 + `x-inngest-no-retry: false` = retriable
 *   function error (retry with attempt+1); 400 + `x-inngest-no-retry: true` = final failure (NonRetriableError, a
 *   rethrown StepError, or the last attempt: the SDK compares `ctx.attempt` to `ctx.max_attempts - 1`).
 *   `x-inngest-req-version` (execution version) is echoed back on later requests, as the server does.
 * - Like the server, when the SDK reports more than one op at once (parallel steps) the run switches to
 *   `disable_immediate_execution: true`, so every later step is planned first and then run by id; all ops of a
 *   response are executed concurrently and the function is re-entered once all of them are done.
 * - Attempts are per request, as the server's queue items: a step's retries, then a fresh count for the next
 *   discovery. `max_attempts` = `retries` + 1 (SDK default retries: 3; `onFailure` handlers: 1).
 * - The client must be in dev mode (`isDev: true` or INNGEST_DEV=1): the serve handler then skips signature checks,
 *   so no signing key is needed. A 401 from the handler is reported as that misconfiguration.
 *
 * Supported: event triggers (exact names and a trailing `*` wildcard), trigger `if` expressions made of
 * `event.<path> == | != <literal>` clauses joined by `&&` (others: the function runs and a warning is logged),
 * cron triggers (croner; an optional `TZ=Zone/Name ` prefix; 6 fields = with seconds), retries with backoff and
 * `RetryAfterError`, `step.run`, `step.sleep`/`sleepUntil` (in-process timers, capped at `maxSleepMs`),
 * parallel steps, `step.sendEvent` and `inngest.send` (through {@link LocalExecutor.fetch}), `onFailure` and
 * functions triggered by `inngest/function.failed` / `inngest/function.finished`, event-id dedup (24h),
 * `idempotency` and `concurrency` keys of the form `event.data.<path>` or `event.id` (concurrency limits steps executing at once,
 * as in Inngest; sleeping runs hold no slot).
 *
 * Unsupported locally (documented, not emulated): `step.invoke`, `step.waitForEvent`, `step.waitForSignal`,
 * `step.ai.infer`, `step.fetch` gateway and other server-side ops (the run fails with a clear error);
 * `defer()` (ignored with a warning); `cancelOn`, `debounce`, `throttle`, `rateLimit`, `batchEvents`, `singleton`,
 * `priority`, `timeouts`, cron `jitter` (ignored); other CEL expressions for keys (ignored with a warning). State
 * lives in memory: runs in flight, sleeps and dedup keys are lost on restart. Runs triggered by
 * `inngest/function.*` events do not emit `inngest/function.failed`/`finished` themselves (no feedback loops).
 */


/**
 * The `inngest` version this protocol was last checked against (see above for the files read). protocol.test.ts fails
 * when the installed SDK is another one, with the list of what to check again.
 */
export const INNGEST_VERSION_CHECKED = "4.24.0";

export type JsonError = { name: string; message: string; stack?: string; cause?: unknown };
export type StepState = { data: unknown } | { error: JsonError };
export type EventRecord = { id: string; name: string; data: unknown; ts: number; v?: string };
export type Op = { id: string; op: string; name?: string; displayName?: string; opts?: Record<string, unknown>; data?: unknown; error?: unknown };

/** One run of one function for one event, as the server keeps it between requests. */
export type Run = {
  reg: Registration;
  runId: string;
  event: EventRecord;
  steps: Record<string, StepState>;
  stack: string[];
  disableImmediateExecution: boolean;
  requestVersion?: string;
  lastAttempt: number;
  /** Retries made so far across all requests of this run. */
  retries: number;
  concurrencyKeys: { key: string; limit: number }[];
};

export type Outcome = { kind: "continue" } | { kind: "done"; data: unknown } | { kind: "failed"; error: JsonError };
export type RequestOutcome = { kind: "ops"; ops: Op[] } | { kind: "done"; data: unknown } | { kind: "failed"; error: JsonError };
export type HandlerReply = { status: number; headers: Headers; body: unknown };

export const DAY_MS = 24 * 60 * 60 * 1000;
export const FAILURE_SUFFIX = "-failure"; // InngestFunction.failureSuffix
export const DEFAULT_RETRIES = 3; // defaultMaxRetries in inngest/helpers/consts
export const FAILURE_HANDLER_RETRIES = 1; // getConfig() gives the "<fn>-failure" function `retries: { attempts: 1 }`
export const EVENT_FUNCTION_FAILED = "inngest/function.failed";
export const EVENT_FUNCTION_FINISHED = "inngest/function.finished";
export const EVENT_SCHEDULED_TIMER = "inngest/scheduled.timer";
export const HEADER_REQUEST_VERSION = "x-inngest-req-version";
export const HEADER_NO_RETRY = "x-inngest-no-retry";
export const HEADER_SERVER_KIND = "x-inngest-server-kind";
/** The ops a 206 may carry that this executor runs; any other fails the run with a clear message. */
export const SUPPORTED_OPS = new Set(["StepRun", "Step", "StepFailed", "StepPlanned", "Sleep", "RunComplete", "DeferAdd", "DeferAbort"]);
const SERVE_URL = "http://local-executor/api/inngest";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Inngest sleep strings ("1d2h30m10s", what `timeStr` produces) or an ISO date (sleepUntil). */
export function sleepDurationMs(name: string | undefined, now: Date): number | undefined {
  if (!name) return undefined;
  const units: Record<string, number> = { w: 7 * DAY_MS, d: DAY_MS, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  if (/^(\d+(ms|w|d|h|m|s))+$/.test(name)) {
    let total = 0;
    for (const part of name.matchAll(/(\d+)(ms|w|d|h|m|s)/g)) total += Number(part[1]) * (units[part[2] ?? "s"] ?? 0);
    return total;
  }
  const until = Date.parse(name);
  if (Number.isNaN(until)) return undefined;
  return until - now.getTime();
}

export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(at - now.getTime(), 0);
}

export function toJsonError(value: unknown, fallbackMessage = "Unknown error"): JsonError {
  if (isRecord(value)) {
    const message =
      typeof value.message === "string" && value.message
        ? value.message
        : typeof value.error === "string" && value.error
          ? value.error
          : fallbackMessage;
    const out: JsonError = { name: typeof value.name === "string" && value.name ? value.name : "Error", message };
    if (typeof value.stack === "string" && value.stack) out.stack = value.stack;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  if (typeof value === "string" && value) return { name: "Error", message: value };
  return { name: "Error", message: fallbackMessage };
}

/** A thrown value as the SDK would serialize it. */
export function errorOf(err: unknown): JsonError {
  return toJsonError(err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : err);
}

/** A timer that never keeps the process alive (a pending sleep must not keep a server from exiting). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    if (typeof timer === "object" && timer && "unref" in timer) timer.unref();
  });
}

/**
 * One HTTP exchange with the serve handler: the request for `stepId` at `attempt`, sent inside `withSlots` (the
 * run's concurrency slots), and its reply with a streamed body unwrapped. Remembers the execution version it names.
 */
export async function requestStep(
  handler: (request: Request) => Promise<Response>,
  run: Run,
  stepId: string,
  attempt: number,
  withSlots: <T>(run: Run, send: () => Promise<T>) => Promise<T>,
): Promise<HandlerReply> {
  const url = new URL(SERVE_URL);
  url.searchParams.set("fnId", run.reg.id);
  url.searchParams.set("stepId", stepId);
  const headers: Record<string, string> = { "content-type": "application/json", [HEADER_SERVER_KIND]: "dev" };
  if (run.requestVersion) headers[HEADER_REQUEST_VERSION] = run.requestVersion;
  const body = {
    event: run.event,
    events: [run.event],
    steps: run.steps,
    ctx: {
      run_id: run.runId,
      attempt,
      max_attempts: run.reg.maxAttempts,
      disable_immediate_execution: run.disableImmediateExecution,
      use_api: false,
      stack: { stack: [...run.stack], current: Math.max(run.stack.length - 1, 0) },
    },
  };
  const response = await withSlots(run, () => handler(new Request(url, { method: "POST", headers, body: JSON.stringify(body) })));

  let status = response.status;
  let replyHeaders = response.headers;
  let text = await response.text();
  if (status === 201) {
    // Streaming mode (INNGEST_STREAMING): heartbeats (spaces), then `{ status, headers, body }`.
    const streamed: unknown = JSON.parse(text.trim());
    if (isRecord(streamed) && typeof streamed.status === "number") {
      status = streamed.status;
      replyHeaders = new Headers(isRecord(streamed.headers) ? (streamed.headers as Record<string, string>) : {});
      text = typeof streamed.body === "string" ? streamed.body : "";
    }
  }
  const version = replyHeaders.get(HEADER_REQUEST_VERSION);
  if (version) run.requestVersion = version;
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status, headers: replyHeaders, body: parsed };
}
