import { spawn, type ChildProcess } from "node:child_process";
import { randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser } from "@playwright/test";
import { expect, test, uniqueEmail } from "./fixtures";
import { freePort } from "./ports";

// Its servers are embedded ones of its own whatever the suite runs against, so the run is the same in every pass:
// .ci/run's second pass (the real services) sets E2E_EMBEDDED_SPECS_RAN=1 after the zero-setup pass ran it.
const embeddedSpecsRan = process.env.E2E_EMBEDDED_SPECS_RAN === "1";
const skipReason = "starts embedded servers of its own: already run in the zero-setup pass";
if (embeddedSpecsRan) console.log(`skipped: client-address.spec.ts ${skipReason}`);
test.skip(embeddedSpecsRan, skipReason);

// Rate limits count the client address, and a client that writes a fresh x-forwarded-for on every request must not
// get a fresh allowance. Two more instances of the built app (the suite's web server built it) run here with the real
// limits (no RATE_LIMIT_MULTIPLIER): one reached directly, as under a bare `npm start` (TRUSTED_PROXY_HOPS=0), and one
// behind a reverse proxy that appends the peer it saw to x-forwarded-for, as nginx or a load balancer does
// (TRUSTED_PROXY_HOPS=1). In both, the attacker's spoofed header is ignored and the password-reset limit per address
// (20 an hour) holds.

const RESET_PER_ADDRESS = 20;

type Instance = { app: ChildProcess; url: string; log: () => string; dataDir: string; proxy?: Server };

async function startApp(name: string, hops: string): Promise<Instance> {
  const dataDir = `.data-e2e-${name}`;
  rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    ANATOMY_EMBEDDED: "1",
    ANATOMY_DEV_MAILBOX: "1",
    ANATOMY_DATA_DIR: dataDir,
    APP_URL: `http://127.0.0.1:${port}`,
    TRUSTED_PROXY_HOPS: hops,
    RATE_LIMIT_MULTIPLIER: "1",
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  delete env.UPSTASH_REDIS_REST_URL;
  delete env.UPSTASH_REDIS_REST_TOKEN;
  let log = "";
  const app = spawn("npx", ["next", "start", "--port", String(port)], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  app.stdout!.on("data", (chunk) => (log += chunk));
  app.stderr!.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  await expect(async () => {
    expect(app.exitCode, `the ${name} server exited:\n${log.slice(-2000)}`).toBeNull();
    expect((await fetch(`${url}/api/health`)).ok).toBe(true);
  }).toPass({ timeout: 90_000 });
  return { app, url, log: () => log, dataDir };
}

/** A reverse proxy in front of `target` that appends the address it saw to x-forwarded-for ($proxy_add_x_forwarded_for). */
async function startProxy(target: string): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const forwarded = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, "x-forwarded-for": forwarded } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(instance: Instance | undefined) {
  if (!instance) return;
  if (instance.app.pid) {
    try {
      process.kill(-instance.app.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (instance.proxy) await new Promise((resolve) => instance.proxy!.close(resolve));
  rmSync(instance.dataDir, { recursive: true, force: true });
}

/** Asks for reset links for fresh addresses, each request with a fresh spoofed x-forwarded-for, until refused. */
async function resetRequestsUntilRefused(browser: Browser, baseURL: string): Promise<number> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  try {
    for (let attempt = 1; attempt <= RESET_PER_ADDRESS + 5; attempt++) {
      await context.setExtraHTTPHeaders({ "x-forwarded-for": `${randomInt(1, 224)}.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}` });
      await page.goto("/forgot-password");
      await page.getByLabel("Email").fill(uniqueEmail("spoof"));
      await page.getByRole("button", { name: "Email me a reset link" }).click();
      const answer = page.getByText(/If an account exists for that address|Too many attempts/);
      await expect(answer).toBeVisible();
      if (/Too many attempts/.test((await answer.textContent()) ?? "")) {
        await expect(page.getByText(/^Too many attempts\. Try again in \d+ minutes\.$/)).toBeVisible();
        return attempt;
      }
    }
    return Infinity;
  } finally {
    await context.close();
  }
}

test.describe("a spoofed x-forwarded-for does not reset the per-address limits", () => {
  test.describe.configure({ timeout: 180_000 });

  test("no proxy (TRUSTED_PROXY_HOPS=0, as a bare npm start): the socket's address counts", async ({ browser }) => {
    const instance = await startApp("direct", "0");
    try {
      expect(await resetRequestsUntilRefused(browser, instance.url)).toBe(RESET_PER_ADDRESS + 1);
    } finally {
      await stop(instance);
    }
  });

  test("behind one proxy (TRUSTED_PROXY_HOPS=1): the address the proxy appended counts, not the client's entries", async ({ browser }) => {
    const instance = await startApp("proxied", "1");
    try {
      const proxy = await startProxy(instance.url);
      instance.proxy = proxy.server;
      expect(await resetRequestsUntilRefused(browser, proxy.url)).toBe(RESET_PER_ADDRESS + 1);
    } finally {
      await stop(instance);
    }
  });
});
