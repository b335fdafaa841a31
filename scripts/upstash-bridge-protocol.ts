// The Upstash REST protocol as the bridge (scripts/upstash-bridge.ts) speaks it: parsing commands, encoding replies
// as Upstash does, the Lua scripts' Upstash-only flags and the SHA mapping they need, and what the bridge refuses.
import { createHash } from "node:crypto";
import type http from "node:http";

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_SCRIPT_MAP_ENTRIES = 10_000;

/** Shebang flags that Upstash accepts and Redis does not. */
const UPSTASH_ONLY_SCRIPT_FLAGS = new Set(["allow-key-locking"]);

/**
 * Removes Upstash-only flags from a Lua script's `#!lua flags=...` line. When no flag (and no other shebang option)
 * remains, the shebang's content is dropped but its line break kept, so line numbers in Redis' error messages still
 * match the original script. A script without such flags is returned unchanged (same string, same SHA1).
 */
export function stripUpstashScriptFlags(script: string): string {
  if (!script.startsWith("#!")) return script;
  const eol = script.search(/\r?\n/);
  const line = eol === -1 ? script : script.slice(0, eol);
  const rest = eol === -1 ? "" : script.slice(eol);
  const [engine, ...options] = line.slice(2).trim().split(/\s+/);
  if (engine !== "lua") return script;
  let changed = false;
  const kept: string[] = [];
  for (const option of options) {
    if (!option.startsWith("flags=")) {
      kept.push(option);
      continue;
    }
    const flags = option.slice("flags=".length).split(",");
    const remaining = flags.filter((flag) => !UPSTASH_ONLY_SCRIPT_FLAGS.has(flag));
    if (remaining.length === flags.length) {
      kept.push(option);
      continue;
    }
    changed = true;
    if (remaining.some((flag) => flag !== "")) kept.push(`flags=${remaining.filter((flag) => flag !== "").join(",")}`);
  }
  if (!changed) return script;
  return (kept.length > 0 ? `#!lua ${kept.join(" ")}` : "") + rest;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

type Arg = string;
export type Command = Arg[];
export type Reply = { result: unknown } | { error: string };
/** `byRedis`: the error is Redis' answer (or the bridge's refusal), not a failure to reach Redis. */
export type Outcome = { reply: Reply; byRedis: boolean };

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Commands that would change or break the state of the shared connection. */
const CONNECTION_STATE_COMMANDS = new Set([
  "AUTH", "HELLO", "SELECT", "RESET", "QUIT", "MONITOR", "SYNC", "PSYNC",
  "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH",
  "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
]);

/** Commands that can block the connection; they get a connection of their own. */
const BLOCKING_COMMANDS = new Set([
  "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
]);

export function isBlocking(command: Command): boolean {
  const name = command[0]!.toUpperCase();
  if (BLOCKING_COMMANDS.has(name)) return true;
  return (name === "XREAD" || name === "XREADGROUP") && command.some((arg) => arg.toUpperCase() === "BLOCK");
}

export function parseCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0) throw new RequestError(400, "ERR a command must be a non-empty JSON array");
  return value.map((arg, i) => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") {
      if (i === 0) throw new RequestError(400, "ERR the command name must be a string");
      return String(arg);
    }
    throw new RequestError(400, `ERR unsupported argument type at position ${i}: arguments must be strings, numbers or booleans`);
  });
}

export function parseCommandList(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) throw new RequestError(400, "ERR the body must be a non-empty JSON array of commands");
  return value.map(parseCommand);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns an ioredis buffer-mode reply into the JSON Upstash sends. */
export function encodeValue(value: unknown, base64: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return base64 ? value.toString("base64") : value.toString("utf8");
  if (typeof value === "string") return base64 ? Buffer.from(value, "utf8").toString("base64") : value;
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, base64));
  // An error nested in an array reply (e.g. a Lua table holding an error) has no JSON form of its own.
  if (value instanceof Error) return encodeValue(value.message, base64);
  return value; // integers
}

type Prepared = { args: Command; mapResult?: (result: unknown) => unknown };

export class ScriptRegistry {
  /** sha1(script as the client sent it) -> sha1(script as Redis has it) */
  private readonly shas = new Map<string, string>();
  readonly stats = { evalshaRewritten: 0, scriptsStripped: 0 };

  private strip(script: string): { script: string; originalSha: string } {
    const stripped = stripUpstashScriptFlags(script);
    const originalSha = sha1(script);
    if (stripped !== script) {
      this.stats.scriptsStripped += 1;
      if (!this.shas.has(originalSha)) {
        if (this.shas.size >= MAX_SCRIPT_MAP_ENTRIES) this.shas.delete(this.shas.keys().next().value!);
        this.shas.set(originalSha, sha1(stripped));
      }
    }
    return { script: stripped, originalSha };
  }

  private mapSha(sha: string): string {
    return this.shas.get(sha.toLowerCase()) ?? sha;
  }

  /** Rewrites the scripting commands; returns everything else as it is. */
  prepare(command: Command): Prepared {
    const name = command[0]!.toUpperCase();
    if ((name === "EVAL" || name === "EVAL_RO") && command.length > 1) {
      return { args: [command[0]!, this.strip(command[1]!).script, ...command.slice(2)] };
    }
    if ((name === "EVALSHA" || name === "EVALSHA_RO") && command.length > 1) {
      const sha = this.mapSha(command[1]!);
      if (sha !== command[1]) this.stats.evalshaRewritten += 1;
      return { args: [command[0]!, sha, ...command.slice(2)] };
    }
    if (name === "SCRIPT" && command.length > 1) {
      const sub = command[1]!.toUpperCase();
      if (sub === "LOAD" && command.length === 3) {
        const { script, originalSha } = this.strip(command[2]!);
        // Redis answers with the SHA of what it loaded; the client expects the SHA of what it sent.
        return { args: [command[0]!, command[1]!, script], mapResult: () => originalSha };
      }
      if (sub === "EXISTS") return { args: [command[0]!, command[1]!, ...command.slice(2).map((sha) => this.mapSha(sha))] };
    }
    return { args: command };
  }
}

export function rejectUnsupported(command: Command): string | null {
  const name = command[0]!.toUpperCase();
  if (CONNECTION_STATE_COMMANDS.has(name)) {
    return `ERR ${name} is not supported over the REST bridge (use /multi-exec for transactions)`;
  }
  if (name === "CLIENT" && command[1]?.toUpperCase() === "REPLY") return "ERR CLIENT REPLY is not supported over the REST bridge";
  return null;
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, "ERR request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
