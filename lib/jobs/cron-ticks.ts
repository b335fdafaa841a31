import "server-only";
import { hostname } from "node:os";
import { lt } from "drizzle-orm";
import { jobCronTicks } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";

// Which process runs a scheduled tick when several run the in-process executor (a cluster without Inngest): the
// first to insert (function, scheduled time). The primary key makes the claim atomic across instances.

const instance = `${hostname()}:${process.pid}`;

/** True for exactly one caller per (functionId, scheduledAt), whichever instance calls first. */
export async function claimCronTick(functionId: string, scheduledAt: Date, db: Db = getDb(), claimedBy = instance): Promise<boolean> {
  const claimed = await db
    .insert(jobCronTicks)
    .values({ functionId, scheduledAt, claimedBy })
    .onConflictDoNothing()
    .returning({ functionId: jobCronTicks.functionId });
  return claimed.length === 1;
}

/** Claims older than `before` have served their purpose (the tick ran or was skipped long ago). */
export async function deleteCronTicksBefore(before: Date, db: Db = getDb()): Promise<number> {
  const deleted = await db.delete(jobCronTicks).where(lt(jobCronTicks.claimedAt, before)).returning({ functionId: jobCronTicks.functionId });
  return deleted.length;
}
