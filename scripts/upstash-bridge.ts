/**
 * An Upstash-compatible REST bridge in front of a plain Redis, so that `@upstash/redis` and `@upstash/ratelimit`
 * can talk to a local Redis in development and CI:
 *
 *   BRIDGE_TOKEN=dev-token npx tsx scripts/upstash-bridge.ts     (or: npm run redis:bridge)
 *   UPSTASH_REDIS_REST_URL=http://127.0.0.1:8079 UPSTASH_REDIS_REST_TOKEN=dev-token npm run dev
 *
 * Environment: BRIDGE_TOKEN (required), BRIDGE_PORT (default 8079; 0 picks a free port), BRIDGE_REDIS_URL
 * (default redis://127.0.0.1:6379). It listens on 127.0.0.1 only.
 *
 * The protocol is the subset of the Upstash REST API that @upstash/redis speaks:
 *   POST /            body ["SET","k","v"]            -> {"result": ...} | 400 {"error": "ERR ..."}
 *   POST /pipeline    body [["SET","k","v"],["GET","k"]] -> [{"result": ...} | {"error": ...}, ...]
 *   POST /multi-exec  same, run inside MULTI/EXEC      -> [{"result": ...} | {"error": ...}, ...]
 *   GET / or /health  (no auth) 200 "ok" when Redis answers, 503 otherwise
 * Every POST needs `Authorization: Bearer <token>` (else 401 {"error":"Unauthorized"}). With the request header
 * `Upstash-Encoding: base64` every string in a result (bulk and status replies, at any depth) is base64-encoded;
 * integers and nulls are not.
 *
 * Lua: @upstash/ratelimit's scripts start with `#!lua flags=allow-key-locking`, a flag only Upstash knows and real
 * Redis rejects. The bridge strips it before forwarding, which changes the script's SHA1, so it remembers
 * sha1(original) -> sha1(stripped) whenever it sees the script (EVAL, EVAL_RO, SCRIPT LOAD) and rewrites the SHA in
 * EVALSHA / EVALSHA_RO / SCRIPT EXISTS. An EVALSHA with a SHA it has not seen goes to Redis unchanged and gets the
 * usual NOSCRIPT error, on which both libraries fall back to EVAL, which teaches the bridge the mapping.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { realpathSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { Redis, ReplyError } from "ioredis";
import {
  RequestError, ScriptRegistry, encodeValue, errorMessage, isBlocking, parseCommand, parseCommandList, readBody, rejectUnsupported, send, type Command, type Outcome, type Reply,
} from "./upstash-bridge-protocol";


export { stripUpstashScriptFlags } from "./upstash-bridge-protocol";

export type BridgeOptions = {
  token: string;
  /** 0 picks a free port. */
  port?: number;
  redisUrl?: string;
};

export type Bridge = {
  /** e.g. http://127.0.0.1:8079 */
  url: string;
  port: number;
  redisUrl: string;
  /** Counters for tests and debugging. */
  stats: { evalshaRewritten: number; scriptsStripped: number };
  close: () => Promise<void>;
};

export const DEFAULT_PORT = 8079;
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
const HOST = "127.0.0.1";

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  if (!options.token) throw new Error("upstash-bridge: a token is required");
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const expectedAuth = createHash("sha256").update(options.token).digest();
  const scripts = new ScriptRegistry();

  let lastRedisError = "";
  // protocol 2: Upstash answers in RESP2 shapes (flat arrays for hashes, doubles as strings).
  // Command names are sent upper-case on purpose: ioredis keys its reply transformers (e.g. HGETALL -> object) and
  // its connection-state bookkeeping on lower-case names, and the bridge wants Redis' raw replies.
  const redis = new Redis(redisUrl, { protocol: 2, maxRetriesPerRequest: 1, connectionName: "upstash-bridge" });
  redis.on("error", (error: Error) => {
    if (error.message !== lastRedisError) console.error(`upstash-bridge: redis: ${error.message}`);
    lastRedisError = error.message;
  });
  redis.on("ready", () => {
    lastRedisError = "";
  });
  const dedicated = new Set<Redis>();

  /** While Redis is known to be down, fail at once instead of queueing until ioredis gives up. */
  function assertRedisUp() {
    if (redis.status === "reconnecting" || redis.status === "close" || redis.status === "end") {
      throw new RequestError(503, `ERR redis unavailable (${redis.status}${lastRedisError ? `: ${lastRedisError}` : ""})`);
    }
  }

  /** Runs commands as one pipeline; one that holds a blocking command gets a short-lived connection of its own. */
  async function runPipeline(commands: Command[], base64: boolean): Promise<Outcome[]> {
    const prepared = commands.map((command) => ({ rejected: rejectUnsupported(command), ...scripts.prepare(command) }));
    const runnable = prepared.filter((p) => !p.rejected);
    if (runnable.length > 0) assertRedisUp();
    const results: Outcome[] = [];
    let connection = redis;
    if (runnable.some((p) => isBlocking(p.args))) {
      connection = redis.duplicate();
      connection.on("error", () => {}); // reported by the main connection's listener; the command gets the error
      dedicated.add(connection);
    }
    try {
      const pipeline = connection.pipeline();
      for (const p of runnable) pipeline.callBuffer(p.args[0]!.toUpperCase(), p.args.slice(1));
      const replies = runnable.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      let next = 0;
      for (const p of prepared) {
        if (p.rejected) {
          results.push({ reply: { error: p.rejected }, byRedis: true });
          continue;
        }
        const [error, value] = replies[next++] ?? [new Error("ERR no reply"), null];
        if (error) results.push({ reply: { error: errorMessage(error) }, byRedis: error instanceof ReplyError });
        else results.push({ reply: { result: encodeValue(p.mapResult ? p.mapResult(value) : value, base64) }, byRedis: true });
      }
    } finally {
      if (connection !== redis) {
        dedicated.delete(connection);
        connection.disconnect();
      }
    }
    return results;
  }

  async function runTransaction(commands: Command[], base64: boolean): Promise<Reply[]> {
    for (const command of commands) {
      const rejected = rejectUnsupported(command);
      if (rejected) throw new RequestError(400, rejected);
    }
    assertRedisUp();
    const prepared = commands.map((command) => scripts.prepare(command));
    // MULTI, the commands and EXEC go out in one write on the shared connection, so nothing interleaves.
    const pipeline = redis.pipeline();
    pipeline.callBuffer("MULTI", []);
    for (const p of prepared) pipeline.callBuffer(p.args[0]!.toUpperCase(), p.args.slice(1));
    pipeline.callBuffer("EXEC", []);
    const replies = (await pipeline.exec()) ?? [];
    const [execError, execValue] = replies[replies.length - 1] ?? [new Error("ERR no reply to EXEC"), null];
    if (execError) {
      // EXECABORT: a command was rejected while queueing (wrong arity, unknown command); nothing ran.
      const queueErrors = replies
        .slice(1, -1)
        .map(([error], i) => (error ? `command ${i + 1}: ${errorMessage(error)}` : null))
        .filter((e) => e !== null);
      throw new RequestError(execError instanceof ReplyError ? 400 : 503, [errorMessage(execError), ...queueErrors].join("; "));
    }
    if (!Array.isArray(execValue)) throw new RequestError(400, "EXECABORT Transaction discarded");
    return execValue.map((value: unknown, i) =>
      value instanceof Error
        ? { error: value.message }
        : { result: encodeValue(prepared[i]?.mapResult ? prepared[i].mapResult(value) : value, base64) },
    );
  }

  async function health(res: http.ServerResponse) {
    if (redis.status !== "ready") {
      send(res, 503, `redis unavailable (${redis.status}${lastRedisError ? `: ${lastRedisError}` : ""})`);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("PING timed out")), 2000);
        }),
      ]);
      send(res, 200, "ok");
    } catch (error) {
      send(res, 503, `redis unavailable: ${errorMessage(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  function authorized(req: http.IncomingMessage): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
    if (!match) return false;
    return timingSafeEqual(createHash("sha256").update(match[1]!.trim()).digest(), expectedAuth);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? "/", "http://bridge").pathname.replace(/\/+$/, "") || "/";
    if ((req.method === "GET" || req.method === "HEAD") && (path === "/" || path === "/health")) return health(res);
    if (!authorized(req)) return send(res, 401, { error: "Unauthorized" });
    if (path !== "/" && path !== "/pipeline" && path !== "/multi-exec") return send(res, 404, { error: `ERR unknown endpoint ${path}` });
    if (req.method !== "POST") return send(res, 405, { error: "ERR use POST with a JSON body" });

    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError(400, "ERR the body is not valid JSON");
    }

    if (path === "/pipeline") return send(res, 200, (await runPipeline(parseCommandList(body), base64)).map((o) => o.reply));
    if (path === "/multi-exec") return send(res, 200, await runTransaction(parseCommandList(body), base64));

    const command = parseCommand(body);
    const connectionError = rejectUnsupported(command);
    if (connectionError) return send(res, 400, { error: connectionError });
    const [outcome] = await runPipeline([command], base64);
    if (!outcome) throw new Error("ERR no reply");
    send(res, "error" in outcome.reply ? (outcome.byRedis ? 400 : 503) : 200, outcome.reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof RequestError ? error.status : 500;
      if (!res.headersSent) send(res, status, { error: errorMessage(error) });
      else res.destroy();
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? DEFAULT_PORT, HOST, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      for (const connection of dedicated) connection.disconnect();
      if (redis.status !== "ready") {
        redis.disconnect();
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        redis.quit().catch(() => {}),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 1000);
        }),
      ]);
      clearTimeout(timer);
      redis.disconnect();
    })();
    return closing;
  };

  return { url: `http://${HOST}:${port}`, port, redisUrl, stats: scripts.stats, close };
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

async function main() {
  const token = process.env.BRIDGE_TOKEN;
  if (!token) {
    console.error("upstash-bridge: BRIDGE_TOKEN is required (the bearer token clients must send); refusing to start.");
    process.exit(1);
  }
  const rawPort = process.env.BRIDGE_PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    console.error(`upstash-bridge: BRIDGE_PORT must be a port number, got ${JSON.stringify(rawPort)}.`);
    process.exit(1);
  }
  const redisUrl = process.env.BRIDGE_REDIS_URL || DEFAULT_REDIS_URL;

  const bridge = await startBridge({ token, port, redisUrl });
  console.log(`upstash-bridge listening on ${bridge.url} -> ${redact(redisUrl)}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal: don't wait any longer
    stopping = true;
    console.log(`upstash-bridge: ${signal}, shutting down`);
    setTimeout(() => process.exit(1), 5000).unref();
    bridge.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`upstash-bridge: shutdown failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    console.error(`upstash-bridge: ${errorMessage(error)}`);
    process.exit(1);
  });
}
