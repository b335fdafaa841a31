import { sql } from "drizzle-orm";
import type { DbHandle } from "@/lib/db/client";

// No `server-only`: `npm run db:migrate` (scripts/migrate.ts) runs it after the migrations. Dropping expired
// partitions is the activity domain's (lib/activity/partitions.ts, the retention).

/**
 * How far ahead the monthly partitions of activity_events exist: this month and the next two. Ensured after every
 * migration, at each server's start and daily by the maintenance job; each process's first insert of a month checks
 * only that month's (lib/activity/record-activity.ts).
 */
export const ACTIVITY_PARTITION_MONTHS_AHEAD = 2;

/**
 * Creates the missing activity_events partitions from this month to `monthsAhead` months ahead (idempotent) and
 * returns how many it created: the app's one caller of ensure_activity_partitions() (drizzle/0010).
 */
export async function ensureActivityPartitions(db: Pick<DbHandle["db"], "execute">, monthsAhead = ACTIVITY_PARTITION_MONTHS_AHEAD): Promise<number> {
  const result: unknown = await db.execute(sql`select ensure_activity_partitions(${monthsAhead}::integer) as created`);
  // postgres.js returns the rows array itself; PGlite returns { rows }.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { created?: number }[];
  return Number(rows[0]?.created ?? 0);
}
