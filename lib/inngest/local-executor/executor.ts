import { randomUUID } from "node:crypto";
import type { InngestFunction } from "inngest";
import { logger as rootLogger } from "@/lib/observability/logger";
import { processState } from "@/lib/runtime/process-state";
import { createCronScheduler } from "./crons";
import {
  DAY_MS,
  errorOf,
  EVENT_FUNCTION_FAILED,
  EVENT_FUNCTION_FINISHED,
  isRecord,
  requestStep,
  type EventRecord,
  type Outcome,
  type Run,
} from "./protocol";
import { buildRegistrations, concurrencyKeysOf, evaluateSimpleExpression, eventNameMatches, getPath, type EventTrigger, type Registration } from "./registrations";
import { createSlots, createTracker, ExpiringKeys } from "./state";
import { createRunDriver } from "./steps";

// The in-process executor (zero-setup mode): Inngest's server side, in this process. What it supports and what it
// does not, and the wire protocol it speaks with the SDK: protocol.ts. Here: events in, runs started, lifecycle
// events out, and the fetch the Inngest client sends events through.

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

const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit (~24.8 days)
const defaultBackoffMs = (attempt: number) => Math.min(1000 * 2 ** Math.max(attempt - 1, 0), 60_000);

export function createLocalExecutor(opts: LocalExecutorOptions): LocalExecutor {
  const log = opts.log ?? rootLogger.child({ module: "jobs" });
  const now = opts.now ?? (() => new Date());
  const registrations = buildRegistrations(opts.appId, opts.functions, log);
  const seenEventIds = new ExpiringKeys(DAY_MS, now);
  const idempotencyKeys = new ExpiringKeys(DAY_MS, now);
  const warnedExpressions = new Set<string>();
  const withSlots = createSlots(opts.maxConcurrentSteps ?? 8);
  const { track, idle } = createTracker((err) => log.error({ err }, "local executor: internal error"));
  const drive = createRunDriver({
    log,
    now,
    backoffMs: opts.backoffMs ?? defaultBackoffMs,
    maxSleepMs: Math.min(opts.maxSleepMs ?? DAY_MS, MAX_TIMER_MS),
    call: (run, stepId, attempt) => requestStep(opts.handler, run, stepId, attempt, withSlots),
  });

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

  const newEvent = (name: string, data: unknown): EventRecord => ({ id: randomUUID(), name, data, ts: now().getTime() });

  const startRun = (reg: Registration, event: EventRecord): Promise<void> | undefined => {
    if (reg.idempotencyPath) {
      const value = getPath(event, reg.idempotencyPath);
      if (value !== undefined && value !== null) {
        const key = `${reg.id}\u0000${typeof value === "string" ? value : JSON.stringify(value)}`;
        if (!idempotencyKeys.add(key)) {
          log.info({ functionId: reg.id, eventId: event.id }, "local executor: run skipped (idempotency key seen in the last 24h)");
          return undefined;
        }
      }
    }
    const run: Run = {
      reg,
      runId: randomUUID(),
      event,
      steps: {},
      stack: [],
      disableImmediateExecution: false,
      lastAttempt: 0,
      retries: 0,
      concurrencyKeys: concurrencyKeysOf(reg, event),
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
      outcome = { kind: "failed", error: errorOf(err) };
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
    for (const event of normalized) {
      if (!seenEventIds.add(event.id)) {
        log.info({ eventId: event.id, eventName: event.name }, "local executor: duplicate event id ignored");
        continue;
      }
      dispatch(event);
    }
    return { ids: normalized.map((event) => event.id) };
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

  const crons = createCronScheduler({ registrations, log, now, newEvent, startRun, track, claimCronTick: opts.claimCronTick });
  return { send, idle, ...crons, fetch: localFetch };
}

/** Where the process's executor is kept (lib/inngest/runtime.ts creates it; tests wait for it to be idle). */
export function localExecutorSlot(): { localExecutor?: LocalExecutor } {
  return processState("inngest.localExecutor", (): { localExecutor?: LocalExecutor } => ({}));
}
