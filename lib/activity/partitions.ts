import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";

// Monthly partitions of activity_events (decision 003): created ahead (lib/db/activity-partitions.ts), and dropped
// whole once every row in them is older than the retention. Dropping a partition is instant and leaves no bloat,
// which is why retention works by month rather than by deleting rows.

export type PartitionInfo = { name: string; from: Date; to: Date; detachPending: boolean };

export async function listActivityPartitions(db: Db = getDb()): Promise<PartitionInfo[]> {
  const result = await db.execute(sql`
    select c.relname as name, i.inhdetachpending as detach_pending
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'activity_events'
    order by c.relname`);
  return rowsOf<{ name: string; detach_pending: boolean }>(result).flatMap((r) => {
    const m = /^activity_events_(\d{4})_(\d{2})$/.exec(r.name);
    if (!m) return [];
    const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    const to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
    return [{ name: m[0], from, to, detachPending: r.detach_pending === true }];
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
    // The chart's per-day counts of that month first: were the run cut after the drop, the next one would no longer
    // see the partition, and its days would stay for ever.
    const from = partition.from.toISOString().slice(0, 10);
    const to = partition.to.toISOString().slice(0, 10);
    await db.execute(sql`delete from activity_daily_counts where day >= ${from}::date and day < ${to}::date`);
    // Names come from pg_class and match the pattern above; identifiers cannot be bound as parameters.
    // CONCURRENTLY: SHARE UPDATE EXCLUSIVE on activity_events, so inserts and the feed's reads go on (a plain DETACH
    // takes ACCESS EXCLUSIVE); it cannot run in a transaction, hence no db.transaction here. A detach cut half-way
    // (the process stopped between its two transactions) leaves the partition "detach pending": FINALIZE completes it.
    const detach = partition.detachPending ? "finalize" : "concurrently";
    await db.execute(sql.raw(`alter table activity_events detach partition "${partition.name}" ${detach}`));
    await db.execute(sql.raw(`drop table "${partition.name}"`));
  }
  // A run stopped between a detach and its drop leaves a month that is no longer a partition, which the list above
  // never shows again: dropped here once past the retention too.
  const orphans = rowsOf<{ name: string }>(
    await db.execute(sql`
      select c.relname as name from pg_class c
      where c.relkind = 'r' and c.relname ~ '^activity_events_[0-9]{4}_[0-9]{2}$'
        and not exists (select 1 from pg_inherits i where i.inhrelid = c.oid)`),
  )
    .map((r) => ({ name: r.name, to: new Date(Date.UTC(Number(r.name.slice(16, 20)), Number(r.name.slice(21, 23)), 1)) }))
    .filter((o) => o.to <= cutoff);
  for (const orphan of orphans) await db.execute(sql.raw(`drop table if exists "${orphan.name}"`));
  return [...expired.map((p) => p.name), ...orphans.map((o) => o.name)];
}

function rowsOf<T>(result: unknown): T[] {
  // postgres.js returns the rows array itself; PGlite returns { rows }.
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
