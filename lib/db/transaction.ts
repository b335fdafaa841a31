import "server-only";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { logger } from "@/lib/observability/logger";

type CommitHook = () => Promise<void> | void;

// Work that must see the committed change (cache invalidation, job dispatch) is queued on the transaction and run
// once it has committed; a rollback drops it.
const commitHooks = new WeakMap<Tx, CommitHook[]>();

// A deadlock aborts one of the transactions involved; the other goes on. Run again, the aborted one normally succeeds:
// two writers of one project's task counters (drizzle/0007) can lock them in opposite orders, e.g. an import's upsert
// (insert trigger, then update trigger) against a user's status change.
const DEADLOCK_ATTEMPTS = 3;

function isDeadlock(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "40P01") return true;
  }
  return false;
}

/**
 * Runs `fn` in a transaction on `db` (the primary by default); nested calls reuse the outer transaction. A transaction
 * aborted by a deadlock is run again (up to 3 times in all), so `fn` must do nothing outside the database that it
 * cannot do twice.
 */
export async function withTx<T>(fn: (tx: Tx) => Promise<T>, db: Db = getDb()): Promise<T> {
  if (isTx(db)) return fn(db);
  let hooks: CommitHook[] = [];
  let result: T;
  for (let attempt = 1; ; attempt++) {
    hooks = [];
    try {
      result = await db.transaction((tx) => {
        commitHooks.set(tx, hooks);
        return fn(tx);
      });
      break;
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw error;
      logger.warn({ err: error, module: "db", attempt }, "transaction aborted by a deadlock: running it again");
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      logger.error({ err: error, module: "db" }, "after-commit hook failed");
    }
  }
  return result;
}

/**
 * Runs `hook` after the transaction `db` belongs to commits, before `withTx` returns (so the caller's response already
 * reflects it); outside a transaction, right away.
 */
export async function afterCommit(db: Db, hook: CommitHook): Promise<void> {
  if (!isTx(db)) return hook();
  const hooks = commitHooks.get(db);
  if (!hooks) throw new Error("afterCommit: this transaction was not opened by withTx");
  hooks.push(hook);
}

/** Whether `db` is an open transaction (reads in it must see its own writes and locks, so they skip caches). */
export function isTransaction(db: Db): db is Tx {
  return isTx(db);
}

function isTx(db: Db): db is Tx {
  return "rollback" in db;
}
