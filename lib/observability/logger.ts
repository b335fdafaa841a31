import { isSpanContextValid, trace } from "@opentelemetry/api";
import pino from "pino";
import { getEnv } from "@/lib/env";

// One logger for the whole app; modules take a child (`logger.child({ module: "auth" })`), requests add their id
// (lib/observability/request-context.ts). Redaction is configured once, here: whatever a call site passes, these
// paths never reach the output. JSON in production; pretty in development (LOG_FORMAT overrides).
export const redactPaths = [
  "password",
  "*.password",
  "currentPassword",
  "*.currentPassword",
  "newPassword",
  "*.newPassword",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "cookie",
  "*.cookie",
];

// Drizzle's query errors carry the statement's parameters (emails, hashes, tokens) in `params` and at the end of
// their message and stack: the error serializer drops them before anything is written.
function serializeError(error: unknown) {
  const out = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  delete out.params;
  for (const key of ["message", "stack"] as const) {
    if (typeof out[key] === "string") out[key] = (out[key] as string).replace(/\nparams:[^\n]*/g, "\nparams: [redacted]");
  }
  if (out.cause && typeof out.cause === "object") out.cause = serializeError(out.cause);
  return out;
}

export function createLogger(destination?: pino.DestinationStream) {
  const env = getEnv();
  const pretty = (env.LOG_FORMAT ?? (env.NODE_ENV === "development" ? "pretty" : "json")) === "pretty";
  return pino(
    {
      level: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : env.isProduction ? "info" : "debug"),
      base: { service: env.OTEL_SERVICE_NAME },
      redact: { paths: redactPaths, censor: "[redacted]" },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written inside a traced request carries its trace id, to jump from a log line to its trace.
      mixin() {
        const context = trace.getActiveSpan()?.spanContext();
        return context && isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
      },
      transport: pretty && !destination ? { target: "pino-pretty", options: { ignore: "pid,hostname,service" } } : undefined,
    },
    destination,
  );
}

export const logger = createLogger();
