import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// The e2e suite runs against the built app (`next build && next start`), in embedded mode unless DATABASE_URL is set
// (then against that Postgres, migrated first). The dev mailbox stays on either way (ANATOMY_DEV_MAILBOX=1, no SMTP).
const port = Number(process.env.E2E_PORT ?? 3100);
// E2E_BASE_URL: a deployment elsewhere (the deploy workflows' smoke tests): no local server, the smoke project only.
// VERCEL_AUTOMATION_BYPASS_SECRET: past Vercel's deployment protection on previews.
const remote = process.env.E2E_BASE_URL;
// `next dev`, reached at 127.0.0.1 rather than localhost (e2e/dev-server.spec.ts): a second server, started after the
// build so that the build's clean-up of .next cannot pull the dev server's files away.
const devPort = Number(process.env.E2E_DEV_PORT ?? port + 10);
const baseURL = remote ?? `http://localhost:${port}`;
const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const dataDir = ".data-e2e";
// A platform admin for the System page test; unique per run so a reused DATABASE_URL does not collide.
process.env.E2E_OPS_EMAIL ??= `ops-${Date.now()}@example.test`;

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["./e2e/failure-summary.ts"]],
  use: {
    baseURL,
    extraHTTPHeaders: process.env.VERCEL_AUTOMATION_BYPASS_SECRET ? { "x-vercel-protection-bypass": process.env.VERCEL_AUTOMATION_BYPASS_SECRET } : undefined,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromiumPath
      ? {
          executablePath: chromiumPath,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        }
      : {},
  },
  projects: remote
    ? [{ name: "smoke", use: { ...devices["Desktop Chrome"] }, testMatch: /smoke\.spec\.ts/ }]
    : [
        { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /dev-server\.spec\.ts/ },
        { name: "dev-server", use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${devPort}` }, testMatch: /dev-server\.spec\.ts/ },
      ],
  webServer: remote ? [] : [{
    // The server's log (warnings and errors: LOG_LEVEL below) goes to .e2e-server.log, which .ci/run prints the end of
    // when a run fails: a failure's request id can be looked up there.
    // E2E_REUSE_BUILD=1: start the build already in .next (.ci/run's second pass: the build reads no configuration).
    command: `rm -rf ${dataDir} && npm run db:migrate && ${process.env.E2E_REUSE_BUILD === "1" ? "" : "npm run build && "}npx next start --port ${port} > .e2e-server.log`,
    url: `${baseURL}/sign-in`,
    timeout: 420_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      ANATOMY_EMBEDDED: "1",
      ANATOMY_DEV_MAILBOX: "1",
      ANATOMY_DATA_DIR: dataDir,
      APP_URL: baseURL,
      LOG_LEVEL: "warn",
      METRICS_TOKEN: "e2e-metrics-token-0123456789",
      PLATFORM_ADMIN_EMAILS: process.env.E2E_OPS_EMAIL,
      // The browser connects straight to the server: the client address is the socket's (never x-forwarded-for).
      // Every test comes from that one address, so the per-address and per-user limits are raised; the per-account
      // ones (password guessing) are never scaled, and e2e/client-address.spec.ts runs a server with real limits.
      TRUSTED_PROXY_HOPS: "0",
      RATE_LIMIT_MULTIPLIER: "100",
      // Keys of this run only, when the suite runs against a shared Redis (UPSTASH_* set by .ci/run).
      CACHE_KEY_PREFIX: `${process.env.CACHE_KEY_PREFIX ?? "anatomy"}-e2e-${Date.now()}`,
    },
  },
  {
    command: `rm -rf ${dataDir}-dev && npx next dev --port ${devPort}`,
    url: `http://127.0.0.1:${devPort}/sign-in`,
    timeout: 420_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      ANATOMY_DATA_DIR: `${dataDir}-dev`,
      LOG_LEVEL: "warn",
      CACHE_KEY_PREFIX: `${process.env.CACHE_KEY_PREFIX ?? "anatomy"}-e2e-dev-${Date.now()}`,
    },
  }],
});