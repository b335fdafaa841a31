import { Inngest } from "inngest";
import { appConfig } from "@/lib/app-config";
import { getEnv } from "@/lib/env";
import { JobRunsMiddleware } from "@/lib/jobs/middleware";
import { logger } from "@/lib/observability/logger";

export type JobMode = "cloud" | "dev" | "local";

/** Where events go: Inngest Cloud, an Inngest dev server, or the in-process executor (zero-setup). */
export function getJobMode(): JobMode {
  const env = getEnv();
  if (env.INNGEST_EVENT_KEY) return "cloud";
  if (env.INNGEST_DEV) return "dev";
  return "local";
}

const env = getEnv();
const mode = getJobMode();

// Local mode talks to no server: the client is in dev mode (no signing key), and its event API calls (step.sendEvent)
// are answered in-process by the executor through this fetch (lib/inngest/runtime.ts installs the handler).
const localFetch = {
  handler: undefined as undefined | ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>),
};

export function setLocalEventFetch(handler: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>): void {
  localFetch.handler = handler;
}

export const inngest = new Inngest({
  id: appConfig.id,
  isDev: mode !== "cloud",
  eventKey: env.INNGEST_EVENT_KEY ?? (mode === "local" ? "local" : undefined),
  signingKey: env.INNGEST_SIGNING_KEY,
  // A dev server, or a self-hosted Inngest server with keys (compose.yaml); unset with keys: Inngest Cloud.
  baseUrl: mode === "local" ? undefined : env.INNGEST_BASE_URL,
  logger: logger.child({ module: "inngest" }),
  middleware: [JobRunsMiddleware],
  fetch:
    mode === "local"
      ? (input: RequestInfo | URL, init?: RequestInit) => {
          if (!localFetch.handler) throw new Error("The in-process job executor is not running.");
          return localFetch.handler(input, init);
        }
      : // Bounded: a hanging event endpoint fails the send (the outbox keeps the event) instead of holding it.
        (input: RequestInfo | URL, init?: RequestInit) => {
          const timeout = AbortSignal.timeout(env.INNGEST_REQUEST_TIMEOUT_MS);
          return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
        },
});
