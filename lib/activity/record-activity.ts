import "server-only";
import { activityEvents } from "@/db/schema";
import { invalidateCacheTags } from "@/lib/cache/define-cache";
import type { Db } from "@/lib/db/client";
import { afterCommit } from "@/lib/db/transaction";
import { ensureActivityPartitions } from "@/lib/db/activity-partitions";
import type { ActivityType } from "@/lib/activity/activity-types";
import { orgDataTag, orgMembersTag, orgProjectsTag } from "@/lib/activity/org-cache-tags";

export type ActivityInput = {
  orgId: string;
  actorId: string | null;
  type: ActivityType;
  /** What the event is about ("task", "member", …), with `subjectId`. */
  subjectType: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
};

// Monthly partitions are created ahead (migration, app start, maintenance). As a last line of defence each process
// checks once per month that the current month's partition exists, so an insert never fails for want of one.
let ensuredMonth: string | undefined;

// It runs on the caller's connection: with PGlite (one connection) another connection would wait for this very
// transaction and deadlock. This month only (0 ahead): on the 1st, before the maintenance job has created the month
// three ahead, the usual horizon would create it here, holding its locks until the user's transaction commits.
async function ensureCurrentPartition(db: Db): Promise<void> {
  const month = new Date().toISOString().slice(0, 7);
  if (ensuredMonth === month) return;
  await ensureActivityPartitions(db, 0);
  ensuredMonth = month;
}

/** The tags an event ends besides the org's data tag. */
function narrowTagsOf(event: ActivityInput): string[] {
  if (event.type.startsWith("member.")) return [orgMembersTag(event.orgId)];
  if (event.type.startsWith("project.")) return [orgProjectsTag(event.orgId)];
  if (event.type.startsWith("org.")) return [orgMembersTag(event.orgId), orgProjectsTag(event.orgId)];
  return [];
}

/**
 * Appends activity events; call it with the transaction that makes the change, so both commit or neither does.
 * Once it commits, the org's cached aggregates are stale everywhere.
 */
export async function recordActivity(db: Db, ...events: ActivityInput[]): Promise<void> {
  if (events.length === 0) return;
  await ensureCurrentPartition(db);
  await db.insert(activityEvents).values(
    events.map((e) => ({
      orgId: e.orgId,
      actorId: e.actorId,
      type: e.type,
      subjectType: e.subjectType,
      subjectId: e.subjectId ?? null,
      data: e.data ?? {},
    })),
  );
  const tags = events.flatMap((e) => [orgDataTag(e.orgId), ...narrowTagsOf(e)]);
  await afterCommit(db, () => invalidateCacheTags(tags));
}
