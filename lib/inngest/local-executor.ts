import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import type { InngestFunction } from "inngest";
import { logger as rootLogger } from "@/lib/observability/logger";
import { processState } from "@/lib/runtime/process-state";

/**
 * Zero-setup local executor for Inngest functions.
 *
 * With no INNGEST_EVENT_KEY and no INNGEST_DEV, events are executed in-process: the executor calls the app's own
 * `serve()` POST handler exactly the way the Inngest server does, so memoization, step planning, retriability and
 * error serialization are the SDK's own logic. What this file owns is the server side of the protocol (inngest v4,
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

export type LocalExecutorLog = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type LocalExecutorOptions = {
  /** The Inngest client id (`new Inngest({ id })`). */
  appId: string;
  /** The app's functions, the same list given to `serve()`. */
  functions: InngestFunction.Any[];
  /**
   * The POST handler of `serve()`. With "inngest/next": `(req) => POST(req as NextRequest, undefined)`.
   * The client behind it must be in dev mode (`isDev: true`).
   */
  handler: (request: Request) => Promise<Response>;
  /** Delay before retry number `attempt` (1 = first retry). Default: 1s, 2s, 4s… capped at 60s. */
  backoffMs?: (attempt: number) => number;
  /**
   * Steps executing at once across all runs (default 8). A burst of events (the re-dispatcher handing over hundreds of
   * stuck ones after an outage) would otherwise start every run at once and take the whole database pool from the
   * requests being served beside them.
   */
  maxConcurrentSteps?: number;
  now?: () => Date;
  log?: LocalExecutorLog;
  /** Longest in-process sleep; longer `step.sleep`s are cut to this with a warning. Default 24h. */
  maxSleepMs?: number;
  /**
   * With several processes each running this executor (a cluster without Inngest), every process's schedule fires:
   * a scheduled run starts only where this resolves true for (function id, the tick's scheduled time), so that one
   * claim store shared by the processes runs each tick once. A claim that throws skips the tick (logged).
   * Unset: every tick runs here. `runCronNow` never asks.
   */
  claimCronTick?: (functionId: string, scheduledAt: Date) => Promise<boolean>;
};

export type LocalEvent = { id?: string; name: string; data: unknown; ts?: number };

export type LocalExecutor = {
  /** Like inngest.send: accepts events with optional `id`; an event id already seen in the last 24h is ignored (Inngest's dedup). Returns at once; runs continue in the background. */
  send(events: LocalEvent[]): Promise<{ ids: string[] }>;
  /** Resolves when no run is in flight or scheduled (tests). */
  idle(): Promise<void>;
  /** Start/stop cron-triggered functions on their schedules (croner; timers are unref'd). */
  startCrons(): void;
  stopCrons(): void;
  /** Run one cron function now (tests, admin "run now"); resolves when that run has ended (success or failure). */
  runCronNow(functionId: string): Promise<void>;
  /**
   * A `fetch` for the Inngest client (`new Inngest({ fetch })`): `POST …/e/<key>` (how `inngest.send` and
   * `step.sendEvent` deliver events in dev mode) is answered by {@link LocalExecutor.send}; any other Inngest API
   * call is answered 501, so nothing ever goes to a dev server. The client is usually built before the executor
   * (functions need the client), so bind late: `fetch: (input, init) => executor.fetch(input, init)`.
   */
  fetch: typeof fetch;
};

type JsonError = { name: string; message: string; stack?: string; cause?: unknown };
type StepState = { data: unknown } | { error: JsonError };
type EventRecord = { id: string; name: string; data: unknown; ts: number; v?: string };
type Op = { id: string; op: string; name?: string; displayName?: string; opts?: Record<string, unknown>; data?: unknown; error?: unknown };

type EventTrigger = { event: string; expression?: string };
type ConcurrencyRule = { limit: number; keyPath?: string[]; scope: "fn" | "env" | "account" };
type Registration = {
  /** `<appId>-<fnId>` (or `…-failure`): the serve handler's `fnId` and the id in `inngest/function.*` events. */
  id: string;
  shortId: string;
  kind: "main" | "failure";
  triggers: EventTrigger[];
  crons: string[];
  maxAttempts: number;
  idempotencyPath?: string[];
  concurrency: ConcurrencyRule[];
};

type Run = {
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

type Outcome = { kind: "continue" } | { kind: "done"; data: unknown } | { kind: "failed"; error: JsonError };
type RequestOutcome = { kind: "ops"; ops: Op[] } | { kind: "done"; data: unknown } | { kind: "failed"; error: JsonError };

const DAY_MS = 24 * 60 * 60 * 1000;
const FAILURE_SUFFIX = "-failure"; // InngestFunction.failureSuffix
const DEFAULT_RETRIES = 3; // defaultMaxRetries in inngest/helpers/consts
const FAILURE_HANDLER_RETRIES = 1; // getConfig() gives the "<fn>-failure" function `retries: { attempts: 1 }`
const EVENT_FUNCTION_FAILED = "inngest/function.failed";
const EVENT_FUNCTION_FINISHED = "inngest/function.finished";
const EVENT_SCHEDULED_TIMER = "inngest/scheduled.timer";
const SERVE_URL = "http://local-executor/api/inngest";
const MAX_LOOP_ITERATIONS = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit (~24.8 days)

const defaultBackoffMs = (attempt: number) => Math.min(1000 * 2 ** Math.max(attempt - 1, 0), 60_000);

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `event.data.a.b` → ["data", "a", "b"], `event.id` → ["id"]; anything else (full CEL) → undefined. */
function parseEventDataPath(expr: string | undefined): string[] | undefined {
  if (!expr) return undefined;
  const match = /^\s*event((?:\.[A-Za-z_$][\w$]*)+)\s*$/.exec(expr);
  if (!match?.[1]) return undefined;
  const path = match[1].slice(1).split(".");
  return path[0] === "data" || (path.length === 1 && path[0] === "id") ? path : undefined;
}

function getPath(value: unknown, path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

function parseLiteral(raw: string): { ok: true; value: unknown } | { ok: false } {
  const text = raw.trim();
  const quoted = /^'((?:[^'\\]|\\.)*)'$/.exec(text) ?? /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (quoted) return { ok: true, value: (quoted[1] ?? "").replace(/\\(.)/g, "$1") };
  if (text === "true") return { ok: true, value: true };
  if (text === "false") return { ok: true, value: false };
  if (text === "null") return { ok: true, value: null };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { ok: true, value: Number(text) };
  return { ok: false };
}

/** Evaluates `event.<path> ==|!= <literal>` clauses joined by `&&`; undefined when the expression is beyond that. */
function evaluateSimpleExpression(expression: string, event: EventRecord): boolean | undefined {
  let result = true;
  for (const clause of expression.split("&&")) {
    const match = /^\s*event((?:\.[A-Za-z_$][\w$]*)+)\s*(==|!=)\s*(.+?)\s*$/.exec(clause);
    if (!match?.[1] || !match[3]) return undefined;
    const literal = parseLiteral(match[3]);
    if (!literal.ok) return undefined;
    const actual = getPath(event, match[1].slice(1).split("."));
    const equal = actual === literal.value || (literal.value === null && actual === undefined);
    result = result && (match[2] === "==" ? equal : !equal);
  }
  return result;
}

function eventNameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return pattern.endsWith("*") && name.startsWith(pattern.slice(0, -1));
}

/** Inngest sleep strings ("1d2h30m10s", what `timeStr` produces) or an ISO date (sleepUntil). */
function sleepDurationMs(name: string | undefined, now: Date): number | undefined {
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

function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(at - now.getTime(), 0);
}

function toJsonError(value: unknown, fallbackMessage = "Unknown error"): JsonError {
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

function parseCron(raw: string): { pattern: string; timezone?: string } {
  const match = /^\s*(?:CRON_)?TZ=(\S+)\s+(.+)$/.exec(raw);
  return match?.[1] && match[2] ? { timezone: match[1], pattern: match[2].trim() } : { pattern: raw.trim() };
}

function unrefTimer(timer: ReturnType<typeof setTimeout>) {
  if (typeof timer === "object" && timer && "unref" in timer) timer.unref();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => unrefTimer(setTimeout(resolve, Math.max(0, ms))));
}

let defaultLog: LocalExecutorLog | undefined;
function getDefaultLog(): LocalExecutorLog {
  defaultLog ??= rootLogger.child({ module: "jobs" });
  return defaultLog;
}

function buildRegistrations(appId: string, functions: InngestFunction.Any[], log: LocalExecutorLog): Registration[] {
  const regs: Registration[] = [];
  const seen = new Set<string>();
  for (const fn of functions) {
    const opts = fn.opts;
    const id = fn.id(appId);
    const triggers: EventTrigger[] = [];
    const crons: string[] = [];
    const rawTriggers: unknown[] = Array.isArray(opts.triggers) ? opts.triggers : opts.triggers ? [opts.triggers] : [];
    for (const trigger of rawTriggers) {
      if (!isRecord(trigger)) continue;
      if (typeof trigger.cron === "string") {
        crons.push(trigger.cron);
        continue;
      }
      // EventType instances carry their name in `.name`, plain triggers are strings (as in getConfigTriggers()).
      const eventName =
        typeof trigger.event === "string" ? trigger.event : isRecord(trigger.event) ? trigger.event.name : undefined;
      if (typeof eventName !== "string" || eventName === "inngest/function.invoked") continue;
      triggers.push({ event: eventName, expression: typeof trigger.if === "string" ? trigger.if : undefined });
    }

    let idempotencyPath: string[] | undefined;
    if (opts.idempotency) {
      idempotencyPath = parseEventDataPath(opts.idempotency);
      if (!idempotencyPath) log.warn({ functionId: id, idempotency: opts.idempotency }, "local executor: unsupported idempotency expression ignored");
    }

    const concurrency: ConcurrencyRule[] = [];
    const rawConcurrency: unknown[] =
      opts.concurrency === undefined ? [] : Array.isArray(opts.concurrency) ? opts.concurrency : [opts.concurrency];
    for (const rule of rawConcurrency) {
      if (typeof rule === "number") {
        if (rule > 0) concurrency.push({ limit: rule, scope: "fn" });
        continue;
      }
      if (!isRecord(rule) || typeof rule.limit !== "number" || rule.limit <= 0) continue;
      const scope = rule.scope === "env" || rule.scope === "account" ? rule.scope : "fn";
      if (rule.key === undefined) {
        concurrency.push({ limit: rule.limit, scope });
        continue;
      }
      const keyPath = typeof rule.key === "string" ? parseEventDataPath(rule.key) : undefined;
      if (keyPath) concurrency.push({ limit: rule.limit, keyPath, scope });
      else log.warn({ functionId: id, key: rule.key }, "local executor: unsupported concurrency key ignored");
    }

    const ignored = ["cancelOn", "debounce", "throttle", "rateLimit", "batchEvents", "singleton", "priority", "timeouts"].filter(
      (key) => (opts as unknown as Record<string, unknown>)[key] !== undefined,
    );
    if (ignored.length) log.warn({ functionId: id, options: ignored }, "local executor: function options not emulated locally");

    for (const reg of [
      {
        id,
        shortId: opts.id,
        kind: "main" as const,
        triggers,
        crons,
        maxAttempts: (typeof opts.retries === "number" ? opts.retries : DEFAULT_RETRIES) + 1,
        idempotencyPath,
        concurrency,
      },
      ...(opts.onFailure
        ? [
            {
              id: `${id}${FAILURE_SUFFIX}`,
              shortId: `${opts.id}${FAILURE_SUFFIX}`,
              kind: "failure" as const,
              triggers: [{ event: EVENT_FUNCTION_FAILED, expression: `event.data.function_id == '${id}'` }],
              crons: [],
              maxAttempts: FAILURE_HANDLER_RETRIES + 1,
              concurrency: [],
            },
          ]
        : []),
    ]) {
      if (seen.has(reg.id)) throw new Error(`local executor: duplicate function id "${reg.id}"`);
      seen.add(reg.id);
      regs.push(reg);
    }
  }
  return regs;
}

export function createLocalExecutor(opts: LocalExecutorOptions): LocalExecutor {
  const log = opts.log ?? getDefaultLog();
  const now = opts.now ?? (() => new Date());
  const backoffMs = opts.backoffMs ?? defaultBackoffMs;
  const stepSlots = new Semaphore(Math.max(1, opts.maxConcurrentSteps ?? 8));
  const maxSleepMs = Math.min(opts.maxSleepMs ?? DAY_MS, MAX_TIMER_MS);
  const registrations = buildRegistrations(opts.appId, opts.functions, log);

  const seenEventIds = new Map<string, number>(); // event id -> expiry (ms)
  const idempotencyKeys = new Map<string, number>(); // `${fnId}\u0000${key}` -> expiry (ms)
  const semaphores = new Map<string, Semaphore>();
  const inflight = new Set<Promise<void>>();
  const warnedExpressions = new Set<string>();
  let cronJobs: Cron[] = [];

  const prune = (map: Map<string, number>) => {
    const t = now().getTime();
    for (const [key, expiry] of map) if (expiry <= t) map.delete(key);
  };

  const track = (run: Promise<void>) => {
    const promise = run.catch((err: unknown) => log.error({ err }, "local executor: internal error"));
    inflight.add(promise);
    void promise.finally(() => inflight.delete(promise));
    return promise;
  };

  const semaphoreFor = (key: string, limit: number) => {
    let semaphore = semaphores.get(key);
    if (!semaphore) {
      semaphore = new Semaphore(limit);
      semaphores.set(key, semaphore);
    }
    return semaphore;
  };

  const triggerMatches = (reg: Registration, trigger: EventTrigger, event: EventRecord) => {
    if (!eventNameMatches(trigger.event, event.name)) return false;
    if (!trigger.expression) return true;
    const result = evaluateSimpleExpression(trigger.expression, event);
    if (result !== undefined) return result;
    const warnKey = `${reg.id}\u0000${trigger.expression}`;
    if (!warnedExpressions.has(warnKey)) {
      warnedExpressions.add(warnKey);
      log.warn({ functionId: reg.id, expression: trigger.expression }, "local executor: unsupported trigger expression; running the function anyway");
    }
    return true;
  };

  // ---- one HTTP exchange with the serve handler --------------------------------------------------------------

  type HandlerReply = { status: number; headers: Headers; body: unknown };

  const callHandler = async (run: Run, stepId: string, attempt: number): Promise<HandlerReply> => {
    const url = new URL(SERVE_URL);
    url.searchParams.set("fnId", run.reg.id);
    url.searchParams.set("stepId", stepId);
    const headers: Record<string, string> = { "content-type": "application/json", "x-inngest-server-kind": "dev" };
    if (run.requestVersion) headers["x-inngest-req-version"] = run.requestVersion;
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

    const acquired: Semaphore[] = [];
    for (const { key, limit } of run.concurrencyKeys) {
      const semaphore = semaphoreFor(key, limit);
      await semaphore.acquire();
      acquired.push(semaphore);
    }
    let response: Response;
    // Taken after the run's own keys: a run waiting for its key holds no slot.
    await stepSlots.acquire();
    try {
      response = await opts.handler(new Request(url, { method: "POST", headers, body: JSON.stringify(body) }));
    } finally {
      stepSlots.release();
      for (const [i, semaphore] of acquired.entries()) {
        semaphore.release();
        const key = run.concurrencyKeys[i]?.key;
        if (key && semaphore.idle) semaphores.delete(key);
      }
    }

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
    const version = replyHeaders.get("x-inngest-req-version");
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
  };

  /** One logical request (a queue item, in server terms): retried with attempt+1 until it makes progress. */
  const executeRequest = async (run: Run, stepId: string): Promise<RequestOutcome> => {
    for (let attempt = 0; ; attempt++) {
      run.lastAttempt = attempt;
      let reply: HandlerReply;
      try {
        reply = await callHandler(run, stepId, attempt);
      } catch (err) {
        // The handler itself threw (not a function error): treat like a 500 from the SDK.
        reply = { status: 500, headers: new Headers(), body: toJsonError(err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : err) };
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
      const noRetry = reply.headers.get("x-inngest-no-retry") === "true";
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

  const SUPPORTED_OPS = new Set(["StepRun", "Step", "StepFailed", "StepPlanned", "Sleep", "RunComplete", "DeferAdd", "DeferAbort"]);

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
            work.push(
              executeRequest(run, op.id).then((outcome) => (outcome.kind === "ops" ? processOps(run, outcome.ops) : outcome)),
            );
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

  const drive = async (run: Run): Promise<Outcome> => {
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

  // ---- runs ----------------------------------------------------------------------------------------------------

  const newEvent = (name: string, data: unknown): EventRecord => ({ id: randomUUID(), name, data, ts: now().getTime() });

  const startRun = (reg: Registration, event: EventRecord): Promise<void> | undefined => {
    if (reg.idempotencyPath) {
      const value = getPath(event, reg.idempotencyPath);
      if (value !== undefined && value !== null) {
        prune(idempotencyKeys);
        const key = `${reg.id}\u0000${typeof value === "string" ? value : JSON.stringify(value)}`;
        if (idempotencyKeys.has(key)) {
          log.info({ functionId: reg.id, eventId: event.id }, "local executor: run skipped (idempotency key seen in the last 24h)");
          return undefined;
        }
        idempotencyKeys.set(key, now().getTime() + DAY_MS);
      }
    }
    const concurrencyKeys = reg.concurrency.map((rule) => {
      const value = rule.keyPath ? getPath(event, rule.keyPath) : undefined;
      const keyPart = rule.keyPath ? `\u0000${rule.keyPath.join(".")}=${typeof value === "string" ? value : JSON.stringify(value ?? null)}` : "";
      const scopePart = rule.scope === "fn" ? `fn:${reg.id}` : rule.scope;
      return { key: `${scopePart}${keyPart}\u0000${rule.limit}`, limit: rule.limit };
    }).filter((entry, i, all) => all.findIndex((other) => other.key === entry.key) === i);
    const run: Run = {
      reg,
      runId: randomUUID(),
      event,
      steps: {},
      stack: [],
      disableImmediateExecution: false,
      lastAttempt: 0,
      retries: 0,
      concurrencyKeys,
    };
    return track(execute(run));
  };

  const execute = async (run: Run): Promise<void> => {
    const fields = () => ({
      functionId: run.reg.id,
      runId: run.runId,
      eventId: run.event.id,
      eventName: run.event.name,
      attempt: run.lastAttempt,
      retries: run.retries,
    });
    const startedAt = Date.now();
    log.info(fields(), "local executor: run started");
    let outcome: Outcome;
    try {
      outcome = await drive(run);
    } catch (err) {
      outcome = { kind: "failed", error: toJsonError(err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : err) };
    }
    const emitLifecycle = !run.event.name.startsWith("inngest/function.");
    if (outcome.kind === "done") {
      log.info({ ...fields(), durationMs: Date.now() - startedAt, steps: run.stack.length }, "local executor: run finished");
      if (emitLifecycle) {
        dispatch(newEvent(EVENT_FUNCTION_FINISHED, { function_id: run.reg.id, run_id: run.runId, event: run.event, result: outcome.data }));
      }
      return;
    }
    const error = outcome.kind === "failed" ? outcome.error : { name: "Error", message: "Run ended without a result" };
    log.error({ ...fields(), durationMs: Date.now() - startedAt, err: error }, "local executor: run failed");
    if (emitLifecycle) {
      const { name, message, stack } = error;
      const serialized = { name, message, stack: stack ?? "" };
      dispatch(newEvent(EVENT_FUNCTION_FAILED, { function_id: run.reg.id, run_id: run.runId, error: serialized, event: run.event }));
      dispatch(newEvent(EVENT_FUNCTION_FINISHED, { function_id: run.reg.id, run_id: run.runId, event: run.event, error: serialized }));
    }
  };

  const dispatch = (event: EventRecord) => {
    for (const reg of registrations) {
      if (reg.triggers.some((trigger) => triggerMatches(reg, trigger, event))) startRun(reg, event);
    }
  };

  const normalize = (raw: unknown): EventRecord => {
    if (!isRecord(raw) || typeof raw.name !== "string" || !raw.name) throw new Error("local executor: every event needs a non-empty `name`");
    const event: EventRecord = {
      id: typeof raw.id === "string" && raw.id ? raw.id : randomUUID(),
      name: raw.name,
      data: raw.data ?? {},
      ts: typeof raw.ts === "number" ? raw.ts : now().getTime(),
    };
    if (typeof raw.v === "string") event.v = raw.v;
    return event;
  };

  const send = async (events: LocalEvent[]): Promise<{ ids: string[] }> => {
    const normalized = events.map(normalize);
    prune(seenEventIds);
    for (const event of normalized) {
      if (seenEventIds.has(event.id)) {
        log.info({ eventId: event.id, eventName: event.name }, "local executor: duplicate event id ignored");
        continue;
      }
      seenEventIds.set(event.id, now().getTime() + DAY_MS);
      dispatch(event);
    }
    return { ids: normalized.map((event) => event.id) };
  };

  const findCronRegistration = (functionId: string) => {
    const reg = registrations.find((r) => r.id === functionId || r.shortId === functionId);
    if (!reg) throw new Error(`local executor: unknown function "${functionId}"`);
    if (!reg.crons.length) throw new Error(`local executor: function "${functionId}" has no cron trigger`);
    return reg;
  };

  const cronEvent = (cron: string) => newEvent(EVENT_SCHEDULED_TIMER, { cron });

  // The tick a firing belongs to: the latest scheduled time up to now (croner fires a few ms after it, and a busy
  // event loop may delay it further), so every process names the same tick whatever its delay.
  const scheduledTick = (reg: Registration, raw: string, job: Cron) => {
    // In flight from the moment the timer fires: idle() waits for the claim too, not only for the run it starts.
    void track(claimAndStart(reg, raw, job));
  };
  const claimAndStart = async (reg: Registration, raw: string, job: Cron) => {
    if (opts.claimCronTick) {
      const scheduledAt = job.previousRuns(1, new Date(now().getTime() + 1000))[0] ?? now();
      try {
        if (!(await opts.claimCronTick(reg.id, scheduledAt))) {
          log.info({ functionId: reg.id, scheduledAt: scheduledAt.toISOString() }, "local executor: cron tick claimed by another process");
          return;
        }
      } catch (err) {
        log.warn({ functionId: reg.id, err }, "local executor: could not claim the cron tick; skipped");
        return;
      }
    }
    if (!cronJobs.includes(job)) return; // stopCrons() was called while the claim was out
    await startRun(reg, cronEvent(raw));
  };

  const localFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (request.method === "POST" && /\/e\/[^/]+\/?$/.test(url.pathname)) {
      let payload: unknown;
      try {
        payload = await request.json();
      } catch {
        return Response.json({ status: 400, error: "Invalid JSON" }, { status: 400 });
      }
      try {
        const { ids } = await send((Array.isArray(payload) ? payload : [payload]) as LocalEvent[]);
        return Response.json({ ids, status: 200 });
      } catch (err) {
        return Response.json({ status: 400, error: err instanceof Error ? err.message : String(err) }, { status: 400 });
      }
    }
    return Response.json(
      { status: 501, error: `The local executor does not implement ${request.method} ${url.pathname}; run the Inngest dev server (INNGEST_DEV=1) for this feature` },
      { status: 501 },
    );
  };

  return {
    send,
    async idle() {
      if (!inflight.size) return;
      // Sleep/backoff timers are unref'd (a pending sleep must not keep a server from exiting); whoever awaits
      // idle() does want to wait, so hold the event loop open meanwhile.
      const keepAlive = setInterval(() => {}, 60_000);
      try {
        while (inflight.size) await Promise.allSettled([...inflight]);
      } finally {
        clearInterval(keepAlive);
      }
    },
    startCrons() {
      if (cronJobs.length) return;
      for (const reg of registrations) {
        for (const raw of reg.crons) {
          const { pattern, timezone } = parseCron(raw);
          try {
            cronJobs.push(
              new Cron(pattern, { timezone, unref: true, catch: true }, (job) => {
                scheduledTick(reg, raw, job);
              }),
            );
          } catch (err) {
            log.error({ functionId: reg.id, cron: raw, err }, "local executor: invalid cron pattern; schedule skipped");
          }
        }
      }
      log.info({ crons: cronJobs.length }, "local executor: cron schedules started");
    },
    stopCrons() {
      for (const job of cronJobs) job.stop();
      cronJobs = [];
    },
    async runCronNow(functionId) {
      const reg = findCronRegistration(functionId);
      await startRun(reg, cronEvent(reg.crons[0] ?? ""));
    },
    fetch: localFetch,
  };
}

/** Where the process's executor is kept (lib/inngest/runtime.ts creates it; tests wait for it to be idle). */
export function localExecutorSlot(): { localExecutor?: LocalExecutor } {
  return processState("inngest.localExecutor", (): { localExecutor?: LocalExecutor } => ({}));
}
