import "server-only";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { processState } from "@/lib/runtime/process-state";

// Sentry (or anything speaking its protocol, e.g. GlitchTip) for unexpected errors, when SENTRY_DSN is set. Loaded
// with a dynamic import only then, and kept out of the bundles (serverExternalPackages): without a DSN no Sentry code
// runs or ships. Sentry's lightweight mode is used because tracing is already OpenTelemetry's job here
// (lib/observability/start-observability.ts); errors carry the request id and the trace id, which link them to the logs and
// the trace.

type Capture = (error: unknown, context: ErrorContext) => void;
export type ErrorContext = { requestId?: string; route?: string; userId?: string; orgId?: string; job?: string; runId?: string };

const holder = processState("observability.errorTracker", (): { errorTracker?: { capture: Capture; flush: (ms: number) => Promise<boolean> } } => ({}));

/** Starts the error tracker if SENTRY_DSN is set (server start; tests). */
export async function initErrorTracker(dsn = getEnv().SENTRY_DSN): Promise<boolean> {
  if (!dsn) return false;
  const Sentry = await import("@sentry/node-core/light");
  const env = getEnv();
  Sentry.init({
    dsn,
    environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV,
    release: env.SENTRY_RELEASE,
    // No request bodies, cookies, IPs or user emails: ids only (see ErrorContext).
    sendDefaultPii: false,
  });
  holder.errorTracker = {
    capture: (error, context) => {
      const { userId, ...tags } = context;
      Sentry.captureException(error, {
        tags: Object.fromEntries(Object.entries(tags).filter(([, v]) => v !== undefined)),
        user: userId ? { id: userId } : undefined,
      });
    },
    flush: (ms) => Sentry.flush(ms),
  };
  logger.info({ module: "error-tracker" }, "error tracking enabled (SENTRY_DSN)");
  return true;
}

/** Reports an unexpected error (never an AppError: those are answers, not failures). No-op without a DSN. */
export function captureError(error: unknown, context: ErrorContext = {}): void {
  try {
    holder.errorTracker?.capture(error, context);
  } catch (trackerError) {
    logger.warn({ err: trackerError, module: "error-tracker" }, "could not report an error to the tracker");
  }
}

/** Sends what is queued (shutdown, tests). */
export async function flushErrorTracker(ms = 2000): Promise<void> {
  await holder.errorTracker?.flush(ms);
}

/** Test hook. */
export function resetErrorTrackerForTests(): void {
  holder.errorTracker = undefined;
}
