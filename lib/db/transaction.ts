import "server-only";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { logger } from "@/lib/observability/logger";

type CommitHook = () => Promise<void> | void;

// Work that must see the committed change (cache invalidation, job dispatch) is queued on the transaction and run
// once it has committed; a rollback drops it.
const commitHooks = new WeakMap<Tx, CommitHook[]>();

/** Runs `fn` in a transaction on `db` (the primary by default); nested calls reuse the outer transaction. */
export async function withTx<T>(fn: (tx: Tx) => Promise<T>, db: Db = getDb()): Promise<T> {
  if (isTx(db)) return fn(db);
  const hooks: CommitHook[] = [];
  const result = await db.transaction((tx) => {
    commitHooks.set(tx, hooks);
    return fn(tx);
  });
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
