import type { InngestFunction } from "inngest";
import { DEFAULT_RETRIES, EVENT_FUNCTION_FAILED, FAILURE_HANDLER_RETRIES, FAILURE_SUFFIX, isRecord, type EventRecord } from "./protocol";
import type { LocalExecutorLog } from "./executor";

// What the executor reads from each function's options: its triggers, crons, attempts, idempotency and concurrency
// keys, and the "<fn>-failure" function an `onFailure` handler becomes. Expressions are a small subset of CEL.

export type EventTrigger = { event: string; expression?: string };
export type ConcurrencyRule = { limit: number; keyPath?: string[]; scope: "fn" | "env" | "account" };
export type Registration = {
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

/** `event.data.a.b` → ["data", "a", "b"], `event.id` → ["id"]; anything else (full CEL) → undefined. */
function parseEventDataPath(expr: string | undefined): string[] | undefined {
  if (!expr) return undefined;
  const match = /^\s*event((?:\.[A-Za-z_$][\w$]*)+)\s*$/.exec(expr);
  if (!match?.[1]) return undefined;
  const path = match[1].slice(1).split(".");
  return path[0] === "data" || (path.length === 1 && path[0] === "id") ? path : undefined;
}

export function getPath(value: unknown, path: string[]): unknown {
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
export function evaluateSimpleExpression(expression: string, event: EventRecord): boolean | undefined {
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

export function eventNameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return pattern.endsWith("*") && name.startsWith(pattern.slice(0, -1));
}

/** The concurrency keys a run of `reg` for `event` takes, one per distinct rule. */
export function concurrencyKeysOf(reg: Registration, event: EventRecord): { key: string; limit: number }[] {
  return reg.concurrency
    .map((rule) => {
      const value = rule.keyPath ? getPath(event, rule.keyPath) : undefined;
      const keyPart = rule.keyPath ? `\u0000${rule.keyPath.join(".")}=${typeof value === "string" ? value : JSON.stringify(value ?? null)}` : "";
      const scopePart = rule.scope === "fn" ? `fn:${reg.id}` : rule.scope;
      return { key: `${scopePart}${keyPart}\u0000${rule.limit}`, limit: rule.limit };
    })
    .filter((entry, i, all) => all.findIndex((other) => other.key === entry.key) === i);
}

export function buildRegistrations(appId: string, functions: InngestFunction.Any[], log: LocalExecutorLog): Registration[] {
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
