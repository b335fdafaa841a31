import { randomBytes } from "node:crypto";
import { appConfig } from "./app-config";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// The one place that reads process.env. Everything is validated here; nothing secret is exported to the client
// (client code reads only NEXT_PUBLIC_* values, none of which are secret).

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

// Every variable the app reads, with its default. .env.example lists each of them (lib/env-example.test.ts).
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z.url().default("http://localhost:3000"),
  DATABASE_URL: optionalString.pipe(z.url().optional()),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // Server-side limits on every connection of the pool (0 turns one off; migrations run without them): a query that
  // runs long or waits on a lock is cut with a clear error instead of holding a connection, and a transaction left
  // open by a stuck request is ended. Connecting gives up after DATABASE_CONNECT_TIMEOUT_SECONDS (Postgres down).
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  // `npm run db:migrate`: how long one migration statement may wait for a lock before the attempt is given up and
  // retried after a pause (up to MIGRATION_LOCK_RETRIES more times), so that a migration queued behind a long
  // transaction does not hold every query on its table meanwhile (lib/db/migrate.ts).
  MIGRATION_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  MIGRATION_LOCK_RETRIES: z.coerce.number().int().min(0).max(100).default(10),
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(5),
  // At most this many statements (or transactions) wait for a pooled connection beyond DATABASE_POOL_MAX in use; one
  // more is refused at once as "database busy" rather than queued without bound (lib/db/pool-gate.ts). 0: no limit.
  DATABASE_POOL_QUEUE_LIMIT: z.coerce.number().int().min(0).max(100_000).default(100),
  // Read replicas, comma-separated URLs (none: every read on the primary). Reads that tolerate lag go to one that has
  // replayed the reader's last write (lib/db/replicas.ts); one that does not answer its poll within
  // DATABASE_REPLICA_TIMEOUT_MS, fails a read, or lags more than DATABASE_REPLICA_MAX_LAG_SECONDS is skipped.
  DATABASE_REPLICA_URLS: z
    .string()
    .optional()
    .transform((value) => (value ?? "").split(",").map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  DATABASE_REPLICA_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  DATABASE_REPLICA_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  DATABASE_REPLICA_MAX_LAG_SECONDS: z.coerce.number().min(0.1).max(3_600).default(30),
  ANATOMY_EMBEDDED: flag,
  ANATOMY_DATA_DIR: z.string().default(".data"),
  // Shows outgoing mail at /dev/mailbox in a production build run embedded on this machine (e2e tests, local demos).
  // Anyone who reaches the server can read it: see isDevMailboxAllowed.
  ANATOMY_DEV_MAILBOX: flag,
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional()),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  AUTH_GOOGLE_ID: optionalString,
  AUTH_GOOGLE_SECRET: optionalString,
  SMTP_URL: optionalString,
  // Connecting, the greeting and each SMTP command may take this long before the send fails (a hanging mail server
  // fails the job's attempt, which is retried, instead of holding it for nodemailer's defaults of 30 s to 10 min).
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  EMAIL_FROM: z.string().default(appConfig.defaultEmailFrom),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  // Comma-separated emails that are platform admins (operators: the System page), besides users.is_platform_admin.
  PLATFORM_ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((e) => e.trim().toLowerCase()).filter(Boolean)),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  // Bearer token for /api/metrics; without it the endpoint refuses every scrape.
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
  // Read by @vercel/otel itself; validated here so a typo fails at start. Unset: traces are not exported.
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
  OTEL_SERVICE_NAME: z.string().default(appConfig.id),
  OTEL_TRACES_SAMPLER: z
    .enum(["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: optionalString,
  // Cache and rate-limit store; both unset: in-process memory (one instance only, so production requires them).
  UPSTASH_REDIS_REST_URL: optionalString.pipe(z.url().optional()),
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  // How long a cache read may take before the request goes to the database instead (fail open).
  CACHE_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(500),
  // Every key starts with it, so several apps (or test runs) can share one Redis.
  CACHE_KEY_PREFIX: z.string().regex(/^[\w.-]+$/, "letters, digits, _ . - only").default(appConfig.id),
  // 0 sends every cached read to the database (the cache benchmark compares both; also a switch for incidents).
  ANATOMY_CACHE: z.enum(["0", "1"]).default("1"),
  // Where the client address (what per-address rate limits count) comes from; production requires one of the two
  // (see clientAddressSource). TRUSTED_PROXY_HOPS: 0 = no proxy, the socket's address; N = the proxies of yours that
  // append to x-forwarded-for. CLIENT_IP_SOURCE=vercel: the headers Vercel's edge overwrites on every request.
  TRUSTED_PROXY_HOPS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(10).optional()),
  CLIENT_IP_SOURCE: optionalString.pipe(z.enum(["vercel"]).optional()),
  // Scales the per-address and per-user rate limits (load tests and e2e runs come from one address and one user);
  // limits that protect one account or one inbox are never scaled (lib/cache/rate-limit-policies.ts).
  RATE_LIMIT_MULTIPLIER: z.coerce.number().positive().max(10_000).default(1),
  // Error tracking (Sentry or a compatible service such as GlitchTip). Unset: errors are logged and counted only.
  SENTRY_DSN: optionalString.pipe(z.url().optional()),
  SENTRY_ENVIRONMENT: optionalString,
  SENTRY_RELEASE: optionalString,
  // Background jobs. INNGEST_EVENT_KEY set: Inngest Cloud (INNGEST_SIGNING_KEY required too), or a self-hosted Inngest
  // server at INNGEST_BASE_URL (compose.yaml); INNGEST_DEV=1: a local Inngest dev server (INNGEST_BASE_URL, default
  // http://localhost:8288); neither: the in-process executor.
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_DEV: flag,
  INNGEST_BASE_URL: optionalString.pipe(z.url().optional()),
  // The origin Inngest calls back at /api/inngest, when it is not APP_URL's: a self-hosted Inngest server on a private
  // network reaches the app by another name (compose.yaml: http://lb).
  INNGEST_SERVE_ORIGIN: optionalString.pipe(z.url().optional()),
  // Each call to Inngest's API (sending events) gives up after this long; the SDK tries a send 5 times, and an event
  // it could not hand over stays in the outbox for the re-dispatcher. Without it a hanging endpoint holds each
  // dispatch (and its memory) for as long as the socket lives.
  INNGEST_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  // 0 leaves events in the outbox (the benchmark's "dispatch off"; an incident switch: the re-dispatcher sends them later).
  ANATOMY_JOB_DISPATCH: z.enum(["0", "1"]).default("1"),
  // /api/ready reports the outbox as failing (not critical) above this many pending events.
  OUTBOX_READY_MAX_BACKLOG: z.coerce.number().int().min(1).default(1000),
  // Hand-over attempts (one a minute, by the re-dispatcher) before an outbox event is dead-lettered: kept, shown on
  // /admin/jobs with a retry button, no longer tried on its own.
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(30),
  // Imports, reports and job runs that have not moved for this long are marked failed by the sweeper (a process that
  // ran them in memory died; lib/inngest/functions/sweep-stale-work.ts).
  JOB_STALE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  // Uploads and generated files, per file (Postgres storage).
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(2 * 1024 * 1024),
  // Days of activity kept; older monthly partitions are detached and dropped by the maintenance job. 0 keeps all.
  ACTIVITY_RETENTION_DAYS: z.coerce.number().int().min(0).default(400),
  // Days a deleted organization can be restored by its owner before the purge job erases it.
  ORG_DELETION_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  // 0 turns metrics and tracing off (the instrumentation-overhead benchmark compares both).
  ANATOMY_INSTRUMENTATION: z.enum(["0", "1"]).default("1"),
  // Seconds /api/ready answers 503 after SIGTERM before the process exits, so load balancers drain it first.
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(10),
});

/**
 * How the client address is found. `socket`: the TCP peer (no proxy in front; lib/observability/client-address.ts
 * stamps it on each request); `forwarded`: x-forwarded-for read from the right past `hops` - 1 entries your proxies
 * appended; `vercel`: the headers Vercel's edge sets (it overwrites whatever the client sent).
 */
export type ClientAddressSource = { kind: "socket" } | { kind: "forwarded"; hops: number } | { kind: "vercel" };

export type Env = z.infer<typeof envSchema> & {
  /** Undefined only in production when the operator said nothing (assertProductionConfig refuses to start then). */
  clientAddressSource: ClientAddressSource | undefined;
  isProduction: boolean;
  isBuild: boolean;
  dataDir: string;
  /** True when services run in-process (PGlite, dev mailbox): dev, tests, or an explicit ANATOMY_EMBEDDED=1. */
  isEmbedded: boolean;
  /** Whether APP_URL was given (its default only suits local development). */
  hasAppUrl: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * A Vercel preview has an address of its own per deployment, known only there: it is APP_URL when none is set
 * (VERCEL_ENV and VERCEL_URL are Vercel's system variables). Production always names its own.
 */
function withPreviewAppUrl(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (source.APP_URL?.trim() || source.VERCEL_ENV !== "preview" || !source.VERCEL_URL) return source;
  return { ...source, APP_URL: `https://${source.VERCEL_URL}` };
}

function load(): Env {
  const source = withPreviewAppUrl(process.env);
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === "production";
  const hasAppUrl = Boolean(source.APP_URL?.trim());
  if (hasAppUrl) pinAuthUrl(raw.APP_URL);
  if (raw.CLIENT_IP_SOURCE && raw.TRUSTED_PROXY_HOPS !== undefined) {
    throw new ConfigError(
      "Invalid configuration:\n  CLIENT_IP_SOURCE, TRUSTED_PROXY_HOPS: set one of them (CLIENT_IP_SOURCE=vercel reads Vercel's headers; TRUSTED_PROXY_HOPS counts your own proxies)",
    );
  }
  return {
    ...raw,
    clientAddressSource: clientAddressSourceOf(raw.CLIENT_IP_SOURCE, raw.TRUSTED_PROXY_HOPS, isProduction),
    isProduction,
    isBuild: process.env.NEXT_PHASE === "phase-production-build",
    dataDir: path.resolve(raw.ANATOMY_DATA_DIR),
    isEmbedded: !isProduction || raw.ANATOMY_EMBEDDED,
    hasAppUrl,
  };
}

/**
 * Auth.js builds its links (OAuth callback URLs, redirects after sign-in and sign-out) from AUTH_URL, or else from the
 * request's Host / X-Forwarded-Host headers, which any client can forge. With APP_URL given, AUTH_URL is pinned to its
 * origin here (Auth.js reads process.env.AUTH_URL itself, on every request); an AUTH_URL elsewhere is a startup error.
 */
function pinAuthUrl(appUrl: string): void {
  const origin = new URL(appUrl).origin;
  const authUrl = process.env.AUTH_URL?.trim();
  if (!authUrl) {
    process.env.AUTH_URL = origin;
    return;
  }
  if (!URL.canParse(authUrl) || new URL(authUrl).origin !== origin) {
    throw new ConfigError(`Invalid configuration:\n  AUTH_URL: must be on APP_URL's origin (${origin}); leave it unset to use APP_URL.`);
  }
}

/** The URL Auth.js builds on (AUTH_URL, pinned to APP_URL's origin once getEnv() has run), or undefined. */
export function getAuthUrl(): string | undefined {
  getEnv();
  return process.env.AUTH_URL?.trim() || undefined;
}

function clientAddressSourceOf(source: "vercel" | undefined, hops: number | undefined, isProduction: boolean): ClientAddressSource | undefined {
  if (source === "vercel") return { kind: "vercel" };
  if (hops === undefined) return isProduction ? undefined : { kind: "socket" };
  return hops === 0 ? { kind: "socket" } : { kind: "forwarded", hops };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= load();
  return cached;
}

/** Test hook: forget the parsed configuration so the next getEnv() re-reads it. */
export function resetEnvForTests(): void {
  cached = undefined;
}

// What a production server needs set (unless ANATOMY_EMBEDDED=1), besides where client addresses come from
// (PRODUCTION_CLIENT_ADDRESS: one of them). assertProductionConfig refuses to start without them, and the
// infrastructure code (infra/, scripts/infra.test.ts) must set each one.
const productionRequired = {
  DATABASE_URL: (env: Env) => Boolean(env.DATABASE_URL),
  AUTH_SECRET: (env: Env) => Boolean(env.AUTH_SECRET),
  // Verification, reset and invitation links travel by email: without a transport, sign-up cannot complete.
  SMTP_URL: (env: Env) => Boolean(env.SMTP_URL),
  // Links in emails are built from it; the localhost default would send users nowhere.
  APP_URL: (env: Env) => env.hasAppUrl,
  // Jobs run on Inngest (Cloud, or a dev server with INNGEST_DEV=1); the in-process executor is for one machine.
  // (A dev server is for development: its requests are not signed, so production always needs the keys.)
  INNGEST_EVENT_KEY: (env: Env) => Boolean(env.INNGEST_EVENT_KEY),
  INNGEST_SIGNING_KEY: (env: Env) => Boolean(env.INNGEST_SIGNING_KEY),
  // Cache invalidations and rate limits must be shared by every instance.
  UPSTASH_REDIS_REST_URL: (env: Env) => Boolean(env.UPSTASH_REDIS_REST_URL),
  UPSTASH_REDIS_REST_TOKEN: (env: Env) => Boolean(env.UPSTASH_REDIS_REST_TOKEN),
} satisfies Record<string, (env: Env) => boolean>;
export const PRODUCTION_REQUIRED = Object.keys(productionRequired) as (keyof typeof productionRequired)[];
export const PRODUCTION_CLIENT_ADDRESS = ["TRUSTED_PROXY_HOPS", "CLIENT_IP_SOURCE"] as const;

/**
 * In production the app refuses to start without its real services, unless the operator opted into the
 * embedded ones. Called from instrumentation.ts at server start (never during `next build`).
 */
export function assertProductionConfig(env: Env = getEnv()): void {
  if (env.isProduction && env.ANATOMY_DEV_MAILBOX && !isDevMailboxAllowed(env)) {
    throw new ConfigError(
      "ANATOMY_DEV_MAILBOX=1 shows every email, password-reset links included, to anyone who can open /dev/mailbox. " +
        "In production it needs ANATOMY_EMBEDDED=1 and an APP_URL on this machine (http://localhost:…, http://127.0.0.1:…); " +
        "a server others can reach sends mail through SMTP_URL instead.",
    );
  }
  if (!env.isProduction) return;
  // Asked even of embedded demos: a guessed default either trusts a header any client can write (no proxy) or keys
  // every visitor on the proxy's own address (one proxy), and both undo the rate limits.
  if (!env.clientAddressSource) {
    throw new ConfigError(
      "Missing required configuration: TRUSTED_PROXY_HOPS or CLIENT_IP_SOURCE (where the client address comes from, " +
        "for rate limits). Set TRUSTED_PROXY_HOPS=0 when clients connect to this server directly (npm start, no proxy), " +
        "TRUSTED_PROXY_HOPS=1 behind one load balancer or reverse proxy that appends to x-forwarded-for (N for N of " +
        "them), or CLIENT_IP_SOURCE=vercel on Vercel. See docs/security.md.",
    );
  }
  if (env.ANATOMY_EMBEDDED) return;
  const missing = PRODUCTION_REQUIRED.filter((key) => !productionRequired[key](env));
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing required configuration: ${missing.join(", ")}. Set ${missing.join(", ")}, or set ANATOMY_EMBEDDED=1 ` +
        "to run with the embedded database and a generated secret (single-machine demos only).",
    );
  }
}

/** Whether `url` points at this machine only: localhost, 127.0.0.0/8 or [::1]. */
export function isLoopbackUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return false;
  }
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname);
}

/**
 * Whether mail may be kept in the dev mailbox, whose page shows every message (reset and sign-in links included) to
 * anyone who can open it. Outside production, always (when SMTP_URL is unset: lib/email/send-email.ts). In production
 * only as a second opt-in on top of the embedded mode, for a server that runs for this machine: ANATOMY_EMBEDDED=1,
 * ANATOMY_DEV_MAILBOX=1 and a loopback APP_URL (the links in its mail work nowhere else). A production server cannot
 * see the address it listens on, so binding it to localhost (`npm start -- -H 127.0.0.1`) stays the operator's part.
 */
export function isDevMailboxAllowed(env: Env = getEnv()): boolean {
  if (!env.isProduction) return true;
  // hasAppUrl: the default APP_URL (http://localhost:3000) is not the operator saying the server is local.
  return env.ANATOMY_EMBEDDED && env.ANATOMY_DEV_MAILBOX && env.hasAppUrl && isLoopbackUrl(env.APP_URL);
}

/** AUTH_SECRET, or in embedded mode a secret generated once and kept in the data directory. */
export function getAuthSecret(env: Env = getEnv()): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  if (!env.isEmbedded && !env.isBuild) {
    throw new ConfigError("Missing required configuration: AUTH_SECRET.");
  }
  if (generatedSecret) return generatedSecret;
  generatedSecret = readOrCreateSecret(path.join(env.dataDir, "auth-secret"), env.dataDir);
  return generatedSecret;
}

// Read once per process: proxy.ts asks for the secret on every request.
let generatedSecret: string | undefined;

function readOrCreateSecret(file: string, dataDir: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // Another process won the race to create it: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
}

export function getOAuthProviders(env: Env = getEnv()) {
  return {
    github: env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET ? { clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET } : undefined,
    google: env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET ? { clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET } : undefined,
  };
}
