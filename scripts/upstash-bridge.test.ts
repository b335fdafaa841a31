import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bridge, startBridge, stripUpstashScriptFlags } from "./upstash-bridge";

// These tests need a real Redis. Without one they are skipped with a warning, except in CI (CI set) or when
// ANATOMY_REQUIRE_REDIS=1, where a missing Redis is a failure.
const REDIS_URL = process.env.BRIDGE_REDIS_URL || "redis://127.0.0.1:6379";
const truthy = (value: string | undefined) => Boolean(value) && !["0", "false", "no"].includes(value!.toLowerCase());
const redisRequired = truthy(process.env.CI) || process.env.ANATOMY_REQUIRE_REDIS === "1";
const SCRIPT = fileURLToPath(new URL("./upstash-bridge.ts", import.meta.url));
const TOKEN = `test-token-${randomUUID()}`;
const PREFIX = `upstash-bridge-test:${process.pid}:${randomUUID().slice(0, 8)}`;

async function probeRedis(url: string): Promise<string | null> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let connectionError: Error | undefined; // ioredis reports the cause (e.g. ECONNREFUSED) here, not in the rejection
  client.on("error", (error: Error) => (connectionError ??= error));
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const cause = connectionError ?? error;
    return `Redis at ${url} is not reachable (${cause instanceof Error ? cause.message : String(cause)})`;
  } finally {
    client.disconnect();
  }
}

const redisProblem = await probeRedis(REDIS_URL);
// In CI a missing Redis fails the whole file (no test is reported as skipped without a reason).
if (redisProblem && redisRequired) {
  throw new Error(`${redisProblem}. CI or ANATOMY_REQUIRE_REDIS=1 requires it; start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`);
}
if (redisProblem && !redisRequired) {
  console.warn(`[upstash-bridge.test] skipping the Redis-backed tests: ${redisProblem}. Start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (CI=1 or ANATOMY_REQUIRE_REDIS=1 turns this skip into a failure).`);
}

describe("stripUpstashScriptFlags", () => {
  it("drops allow-key-locking and the shebang when nothing else remains, keeping line numbers", () => {
    expect(stripUpstashScriptFlags("#!lua flags=allow-key-locking\n  return 1\n")).toBe("\n  return 1\n");
    expect(stripUpstashScriptFlags("#!lua flags=allow-key-locking,no-writes\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(stripUpstashScriptFlags("#!lua flags=no-writes,allow-key-locking\r\nreturn 1")).toBe("#!lua flags=no-writes\r\nreturn 1");
    expect(stripUpstashScriptFlags("#!lua flags=allow-key-locking")).toBe("");
  });

  it("leaves other scripts untouched", () => {
    for (const script of ["return 1", "#!lua\nreturn 1", "#!lua flags=no-writes\nreturn 1", "#!js flags=allow-key-locking\nx", "-- #!lua flags=allow-key-locking"]) {
      expect(stripUpstashScriptFlags(script)).toBe(script);
    }
  });
});

describe("upstash-bridge entry point", () => {
  it("refuses to start without BRIDGE_TOKEN", async () => {
    const env = { ...process.env };
    delete env.BRIDGE_TOKEN;
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], { env: { ...env, BRIDGE_PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/BRIDGE_TOKEN is required/);
  });
});


describe.skipIf(redisProblem !== null)("upstash-bridge against a real Redis", () => {
  let bridge: Bridge;
  let direct: IORedis;
  let redis: UpstashRedis; // default options: base64 responses and auto-pipelining (everything goes to /pipeline)
  let plain: UpstashRedis; // no auto-pipelining: single commands go to POST /
  const key = (name: string) => `${PREFIX}:${name}`;

  beforeAll(async () => {
    bridge = await startBridge({ token: TOKEN, port: 0, redisUrl: REDIS_URL });
    direct = new IORedis(REDIS_URL, { protocol: 2 });
    redis = new UpstashRedis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
    plain = new UpstashRedis({ url: bridge.url, token: TOKEN, enableTelemetry: false, enableAutoPipelining: false, retry: false });
  });

  afterAll(async () => {
    if (direct) {
      const keys = await direct.keys(`${PREFIX}*`);
      if (keys.length > 0) await direct.del(...keys);
      await direct.quit();
    }
    await bridge?.close();
  });

  async function raw(pathname: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${bridge.url}${pathname}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it.each([
    ["auto-pipelined", () => redis],
    ["single-command", () => plain],
  ])("runs strings, counters and expiry (%s client)", async (_, client) => {
    const c = client();
    const k = key(`basic-${_}`);
    expect(await c.set(k, "v1")).toBe("OK");
    expect(await c.get(k)).toBe("v1");
    expect(await c.set(k, "v2", { ex: 100 })).toBe("OK");
    expect(await c.ttl(k)).toBeGreaterThan(90);
    expect(await c.del(k)).toBe(1);
    expect(await c.get(k)).toBeNull();
    expect(await c.incr(`${k}:n`)).toBe(1);
    expect(await c.incrby(`${k}:n`, 41)).toBe(42);
    expect(await c.expire(`${k}:n`, 50)).toBe(1);
    expect(await c.ttl(`${k}:n`)).toBeGreaterThan(40);
    expect(await c.ttl(`${k}:missing`)).toBe(-2);
    await c.set(`${k}:a`, "x");
    await c.set(`${k}:b`, 7);
    expect(await c.mget(`${k}:a`, `${k}:b`, `${k}:missing`)).toEqual(["x", 7, null]);
    expect(await c.hset(`${k}:h`, { name: "ada", visits: 3, "2": "two" })).toBe(3);
    expect(await c.hgetall(`${k}:h`)).toEqual({ name: "ada", visits: 3, "2": "two" });
    expect(await c.hget(`${k}:h`, "name")).toBe("ada");
  });

  it("round-trips unicode and JSON values", async () => {
    const text = "héllo wörld — 日本語 🚀 \u0000 end";
    await redis.set(key("unicode"), text);
    expect(await redis.get(key("unicode"))).toBe(text);
    expect(await direct.get(key("unicode"))).toBe(text); // stored as the same UTF-8 bytes

    const value = { name: "Zoë", tags: ["a", "ü"], nested: { n: 1.5, ok: true, none: null } };
    await redis.set(key("json"), value);
    expect(await redis.get(key("json"))).toEqual(value);
    expect(JSON.parse((await direct.get(key("json")))!)).toEqual(value);
  });

  it("runs a pipeline", async () => {
    const k = key("pipe");
    const results = await redis.pipeline().set(k, "1").incr(k).get(k).del(k).exec();
    expect(results).toEqual(["OK", 2, 2, 1]);
  });

  it("runs a MULTI/EXEC transaction", async () => {
    const k = key("tx");
    const results = await redis.multi().set(k, "a").append(k, "bc").get(k).hset(`${k}:h`, { f: "v" }).hgetall(`${k}:h`).exec();
    expect(results).toEqual(["OK", 3, "abc", 1, { f: "v" }]);
  });

  it("reports Redis errors as errors", async () => {
    await plain.set(key("str"), "not a number");
    await expect(plain.incr(key("str"))).rejects.toThrow(/ERR value is not an integer/);
    await expect(redis.incr(key("str"))).rejects.toThrow(/ERR value is not an integer/);
    await expect(redis.pipeline().get(key("str")).incr(key("str")).exec()).rejects.toThrow(/ERR value is not an integer/);
    expect(await redis.multi().get(key("str")).incr(key("str")).exec({ keepErrors: true })).toMatchObject([
      { result: "not a number" },
      { error: expect.stringMatching(/ERR value is not an integer/) },
    ]);
  });

  it("rejects a wrong token", async () => {
    const wrong = new UpstashRedis({ url: bridge.url, token: "wrong", enableTelemetry: false, retry: false });
    await expect(wrong.get(key("x"))).rejects.toThrow(/Unauthorized/);
    const res = await fetch(bridge.url, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
  });

  it("speaks the Upstash wire format", async () => {
    const b64 = { "upstash-encoding": "base64" };
    const enc = (s: string) => Buffer.from(s).toString("base64");
    expect(await raw("/", ["SET", key("wire"), "ä", "EX", 100], b64)).toEqual({ status: 200, body: { result: enc("OK") } });
    expect(await raw("/", ["GET", key("wire")], b64)).toEqual({ status: 200, body: { result: enc("ä") } });
    expect(await raw("/", ["GET", key("wire")])).toEqual({ status: 200, body: { result: "ä" } });
    expect(await raw("/", ["RPUSH", key("list"), 1, true, "x"], b64)).toEqual({ status: 200, body: { result: 3 } });
    expect(await raw("/", ["LRANGE", key("list"), 0, -1], b64)).toEqual({ status: 200, body: { result: [enc("1"), enc("true"), enc("x")] } });
    expect(await raw("/", ["GET", key("nothing")], b64)).toEqual({ status: 200, body: { result: null } });
    expect(await raw("/", ["LPUSH", key("wire"), "x"])).toEqual({ status: 400, body: { error: expect.stringMatching(/^WRONGTYPE/) } });
    expect(await raw("/", ["SELECT", 1])).toEqual({ status: 400, body: { error: expect.stringMatching(/not supported/) } });
    expect(await raw("/pipeline", [["INCR", key("wire")], ["TTL", key("wire")]])).toEqual({
      status: 200,
      body: [{ error: expect.stringMatching(/^ERR/) }, { result: expect.any(Number) }],
    });
    expect(await raw("/multi-exec", [["SET", key("m"), 1], ["INCR", key("m")]], b64)).toEqual({ status: 200, body: [{ result: enc("OK") }, { result: 2 }] });
    expect((await raw("/multi-exec", [["SET", key("m"), 5], ["NOSUCHCOMMAND"]])).status).toBe(400);
    expect(await direct.get(key("m"))).toBe("2"); // the aborted transaction changed nothing
    const health = await fetch(`${bridge.url}/health`);
    expect([health.status, await health.text()]).toEqual([200, "ok"]);
  });

  it("strips allow-key-locking and maps the original script's SHA for EVALSHA", async () => {
    const script = `#!lua flags=allow-key-locking\nreturn {redis.call("INCR", KEYS[1]), ARGV[1]}`;
    const s = redis.createScript<[number, string]>(script);
    const before = bridge.stats.evalshaRewritten;
    expect(await s.exec([key("lua")], ["a"])).toEqual([1, "a"]); // EVALSHA -> NOSCRIPT -> EVAL (stripped)
    expect(await s.exec([key("lua")], ["b"])).toEqual([2, "b"]); // EVALSHA with the original SHA, rewritten
    expect(bridge.stats.evalshaRewritten).toBe(before + 1);
    const originalSha = createHash("sha1").update(script).digest("hex");
    expect(await redis.scriptLoad(script)).toBe(originalSha); // the SHA of what the client sent, not of what Redis ran
    expect(await redis.scriptExists(originalSha, "0".repeat(40))).toEqual([1, 0]);
  });

  it("gives blocking commands their own connection", async () => {
    const k = key("queue");
    const popped = raw("/", ["BLPOP", k, 2]); // would hold the shared connection, and the LPUSH below, for 2 s
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await raw("/", ["LPUSH", k, "job"])).toEqual({ status: 200, body: { result: 1 } });
    expect(await popped).toEqual({ status: 200, body: { result: [k, "job"] } });
  });

  it("keeps @upstash/ratelimit atomic under concurrent requests", async () => {
    const ratelimit = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(3, "10 s"), prefix: key("rl-concurrent"), ephemeralCache: false, timeout: 0 });
    const results = await Promise.all(Array.from({ length: 10 }, () => ratelimit.limit("burst")));
    expect(results.filter((r) => r.success)).toHaveLength(3);
  });

  it.each([
    ["slidingWindow", Ratelimit.slidingWindow(3, "10 s")],
    ["fixedWindow", Ratelimit.fixedWindow(3, "10 s")],
  ])("lets @upstash/ratelimit %s limit the 4th request", async (name, limiter) => {
    const ratelimit = new Ratelimit({ redis, limiter, prefix: key(`rl-${name}`), ephemeralCache: false, timeout: 0 });
    const before = bridge.stats.evalshaRewritten;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await ratelimit.limit("user-1"));
    expect(results.map((r) => r.success)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]!.reset).toBeGreaterThan(Date.now());
    expect(results[3]!.reason).toBeUndefined(); // denied by Redis, not by a timeout or a cache
    // After the first EVAL taught the bridge the script, the library's EVALSHA calls hit the stripped script.
    expect(bridge.stats.evalshaRewritten).toBeGreaterThan(before);
    expect((await ratelimit.limit("user-2")).success).toBe(true); // identifiers are independent
  });

  it("runs as a script: logs its address, answers, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
      env: { ...process.env, BRIDGE_TOKEN: TOKEN, BRIDGE_PORT: "0", BRIDGE_REDIS_URL: REDIS_URL },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line; stderr: ${stderr}`)), 15_000);
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /upstash-bridge listening on (http:\/\/127\.0\.0\.1:\d+) -> (\S+)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            expect(match[2]).toBe(REDIS_URL);
            resolve(match[1]!);
          }
        });
        child.on("exit", () => reject(new Error(`exited early; stderr: ${stderr}`)));
      });
      const client = new UpstashRedis({ url, token: TOKEN, enableTelemetry: false });
      expect(await client.set(key("child"), "from child")).toBe("OK");
      expect(await client.get(key("child"))).toBe("from child");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
