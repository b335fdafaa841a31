import "server-only";
import { getDb, type Db, type Tx } from "@/lib/db/client";

/** Runs `fn` in a transaction on `db` (the primary by default); nested calls reuse the outer transaction. */
export async function withTx<T>(fn: (tx: Tx) => Promise<T>, db: Db = getDb()): Promise<T> {
  if (isTx(db)) return fn(db);
  return db.transaction(fn);
}

function isTx(db: Db): db is Tx {
  return "rollback" in db;
}
