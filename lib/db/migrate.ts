import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { DbHandle } from "@/lib/db/client";

const migrationsFolder = path.join(process.cwd(), "drizzle");

/** Applies the committed migrations in drizzle/ and makes sure the upcoming activity partitions exist. */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    await migratePostgres(handle.db as unknown as PostgresJsDatabase, { migrationsFolder });
  }
  await ensureActivityPartitions(handle);
}

/** Creates this month's and next month's activity partitions if missing. Idempotent. */
export async function ensureActivityPartitions(handle: Pick<DbHandle, "db">, monthsAhead = 1): Promise<void> {
  await handle.db.execute(sql`select ensure_activity_partitions(${monthsAhead}::integer)`);
}
