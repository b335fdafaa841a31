import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";

// Monthly partitions of activity_events (decision 003): created ahead by ensure_activity_partitions(), and dropped
// whole once every row in them is older than the retention. Dropping a partition is instant and leaves no bloat, which is
// why retention works by month rather than by deleting rows.

/** Creates the partitions from this month to `monthsAhead` months ahead; returns how many were created. */
export async function ensureActivityPartitions(monthsAhead = 2, db: Db = getDb()): Promise<number> {
  const result = await db.execute(sql`select ensure_activity_partitions(${monthsAhead}::integer) as created`);
  return Number(rowsOf<{ created: number }>(result)[0]?.created ?? 0);
}

export type PartitionInfo = { name: string; from: Date; to: Date };

export async function listActivityPartitions(db: Db = getDb()): Promise<PartitionInfo[]> {
  const result = await db.execute(sql`
    select c.relname as name
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'activity_events'
    order by c.relname`);
  return rowsOf<{ name: string }>(result)
    .map((r) => /^activity_events_(\d{4})_(\d{2})$/.exec(r.name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
      const to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
      return { name: m[0], from, to };
    });
}

/**
 * Detaches and drops the monthly partitions whose every row is older than `retentionDays`. 0 keeps everything.
 * The current and future months are never touched.
 */
export async function dropExpiredActivityPartitions(
  { retentionDays, now = new Date() }: { retentionDays: number; now?: Date },
  db: Db = getDb(),
): Promise<string[]> {
  if (retentionDays <= 0) return [];
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
  const expired = (await listActivityPartitions(db)).filter((p) => p.to <= cutoff);
  for (const partition of expired) {
    // Names come from pg_class and match the pattern above; identifiers cannot be bound as parameters.
    await db.execute(sql.raw(`alter table activity_events detach partition "${partition.name}"`));
    await db.execute(sql.raw(`drop table "${partition.name}"`));
  }
  return expired.map((p) => p.name);
}

function rowsOf<T>(result: unknown): T[] {
  // postgres.js returns the rows array itself; PGlite returns { rows }.
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
