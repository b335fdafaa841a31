import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { freePort } from "./ports";

// Its servers are embedded ones of its own whatever the suite runs against, so the run is the same in every pass:
// .ci/run's second pass (the real services) sets E2E_EMBEDDED_SPECS_RAN=1 after the zero-setup pass ran it.
const embeddedSpecsRan = process.env.E2E_EMBEDDED_SPECS_RAN === "1";
const skipReason = "starts embedded servers of its own: already run in the zero-setup pass";
if (embeddedSpecsRan) console.log(`skipped: startup.spec.ts ${skipReason}`);
test.skip(embeddedSpecsRan, skipReason);

// A server that cannot start exits non-zero with the reason, instead of staying up and answering 500 to every
// request (health checks included) while its supervisor believes it runs (instrumentation.ts).

/** Starts the built app with `env` on a free port; resolves with its exit code and output once it exits (or 60 s). */
async function startAndWaitForExit(env: Record<string, string>): Promise<{ code: number | null; output: string; answered: number[] }> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", APP_URL: `http://127.0.0.1:${port}`, ...env, NODE_ENV: "production" };
  for (const name of ["DATABASE_URL", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"]) if (!(name in env)) delete childEnv[name];
  // Node itself, not npx: the exit code is the server's.
  const app = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "--port", String(port)], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  app.stdout!.on("data", (chunk) => (output += chunk));
  app.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => app.once("exit", (code) => resolve(code)));
  // Whatever it answers while it is up (it should not stay up long enough to answer at all).
  const answered: number[] = [];
  const poll = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/api/health`).then((res) => answered.push(res.status), () => {});
  }, 250);
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000));
  const result = await Promise.race([exited, timeout]);
  clearInterval(poll);
  if (result === "timeout") {
    app.kill("SIGKILL");
    throw new Error(`the server did not exit within 60 s:\n${output.slice(-2000)}`);
  }
  return { code: result, output, answered };
}

test("a server whose embedded database is in use by another process exits non-zero and says so", async () => {
  test.setTimeout(90_000);
  const dataDir = ".data-e2e-locked";
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  // The lock of a live process (this test's): as when `npm run dev` already runs on the same data directory.
  writeFileSync(`${dataDir}/pglite.lock`, String(process.pid));
  try {
    const { code, output, answered } = await startAndWaitForExit({ ANATOMY_EMBEDDED: "1", ANATOMY_DATA_DIR: dataDir, TRUSTED_PROXY_HOPS: "0" });
    expect(code, output).toBe(1);
    expect(output).toContain("start-up failed");
    expect(output).toContain(`is in use by process ${process.pid}`);
    expect(answered.filter((status) => status >= 500), "answered 500 while up").toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a production server not told where client addresses come from exits non-zero and names the setting", async () => {
  test.setTimeout(90_000);
  const dataDir = ".data-e2e-unconfigured";
  rmSync(dataDir, { recursive: true, force: true });
  try {
    const { code, output } = await startAndWaitForExit({ ANATOMY_EMBEDDED: "1", ANATOMY_DATA_DIR: dataDir, TRUSTED_PROXY_HOPS: "", CLIENT_IP_SOURCE: "" });
    expect(code, output).toBe(1);
    expect(output).toContain("TRUSTED_PROXY_HOPS");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
