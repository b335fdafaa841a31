// Which failures mean "the database is busy" and which "the database is unavailable", for the messages server actions
// show and for the pool gate (lib/db/pool-gate.ts). Drizzle wraps a driver's error in `cause`, so each check looks a
// few levels down. Class names do not survive minification: errors are recognised by their fields, never instanceof.

export type DatabaseFailure = "unavailable" | "saturated";

// Set by the pool gate on the errors it raises or lets through: a socket error code alone could come from any
// fetch (the cache, Inngest), so a client-side code counts only when the error came out of a database query.
const FAILURE = Symbol.for("anatomy.databaseFailure");

// A connection that could not be made: the server is down, restarting or out of reach. postgres.js's own
// CONNECT_TIMEOUT (node_modules/postgres/src/errors.js) and Node's socket errors, which postgres.js passes on.
const UNREACHABLE_CODES = new Set(["CONNECT_TIMEOUT", "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// A connection lost while in use. It need not mean the server is gone: the server ends one session that sat idle in a
// transaction too long, an operator terminates one; the next query simply connects again.
const LOST_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNRESET", "EPIPE"]);

// Reported by the server: 57P01 admin_shutdown (stopping, or the connection was terminated), 57P02 crash_shutdown,
// 57P03 cannot_connect_now (starting up, shutting down, in recovery), and class 08, connection exceptions.
function isServerUnavailableCode(code: string): boolean {
  return code === "57P01" || code === "57P02" || code === "57P03" || code.startsWith("08");
}

type ErrorFields = { severity?: unknown; code?: unknown; cause?: unknown; [FAILURE]?: DatabaseFailure };

function* causes(error: unknown): Generator<ErrorFields> {
  let e: unknown = error;
  for (let depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    yield e as ErrorFields;
    e = (e as ErrorFields).cause;
  }
}

/**
 * A failure to reach the database, by its shape: `unreachable` when a connection could not be made or the server said
 * it is going away or not accepting connections; otherwise a connection in use was lost.
 */
export function connectionFailure(error: unknown): { code: string; unreachable: boolean } | undefined {
  for (const { severity, code } of causes(error)) {
    if (typeof code !== "string") continue;
    // A server's error report carries its severity; postgres.js's and Node's connection errors do not.
    if (typeof severity === "string") {
      // 57P01 also ends a single session (pg_terminate_backend): a connection lost, not a server gone. A server that
      // is stopping refuses the next connection, and that marks it unreachable.
      if (code === "57P01") return { code, unreachable: false };
      if (isServerUnavailableCode(code)) return { code, unreachable: true };
    } else if (UNREACHABLE_CODES.has(code) || LOST_CODES.has(code)) {
      return { code, unreachable: UNREACHABLE_CODES.has(code) };
    }
  }
  return undefined;
}

/** Marks an error that came out of a database query (the pool gate does it), so the classification below trusts it. */
export function markDatabaseFailure(error: unknown, failure: DatabaseFailure): void {
  if (error && typeof error === "object" && !Object.isFrozen(error)) {
    Object.defineProperty(error, FAILURE, { value: failure, configurable: true });
  }
}

/** An error for a query the pool gate refused without sending it. */
export function databaseRefusal(failure: DatabaseFailure, message: string): Error {
  const error = Object.assign(new Error(message), { code: failure === "saturated" ? "DATABASE_POOL_SATURATED" : "DATABASE_UNAVAILABLE" });
  markDatabaseFailure(error, failure);
  return error;
}

function markedFailure(error: unknown): { failure: DatabaseFailure; code: string } | undefined {
  for (const e of causes(error)) {
    const failure = e[FAILURE];
    if (failure) return { failure, code: connectionFailure(error)?.code ?? String(e.code ?? failure) };
  }
  return undefined;
}

/**
 * Whether the database could not be reached: the connection was refused, lost or timed out, the server is shutting
 * down or starting, or the pool gate refused the query because it just saw one of those. Returns the code for the log.
 */
export function databaseUnavailable(error: unknown): string | undefined {
  const marked = markedFailure(error);
  if (marked) return marked.failure === "unavailable" ? marked.code : undefined;
  for (const { severity, code } of causes(error)) {
    if (typeof severity === "string" && typeof code === "string" && isServerUnavailableCode(code)) return code;
  }
  return undefined;
}

/**
 * Whether the database is too busy to run the statement: Postgres cut it, statement_timeout (57014, query_canceled)
 * or lock_timeout (55P03, lock_not_available), or the pool gate refused it because too many queries were already
 * waiting for a connection. Only errors the server reported or the gate raised count, not a fetch that failed.
 */
export function databaseBusy(error: unknown): "timeout" | "lock" | "saturated" | undefined {
  if (markedFailure(error)?.failure === "saturated") return "saturated";
  for (const { severity, code } of causes(error)) {
    if (typeof severity === "string" && code === "57014") return "timeout";
    if (typeof severity === "string" && code === "55P03") return "lock";
  }
  return undefined;
}
