import "server-only";
import { and, eq, gte, sql } from "drizzle-orm";
import { activityDailyCounts } from "@/db/schema";
import { selectRecentActivity, type ActivityItem } from "@/lib/activity/list-activity";
import { orgDataTag } from "@/lib/activity/org-cache-tags";
import { redactActivityItems } from "@/lib/activity/redact-activity";
import { defineCache } from "@/lib/cache/define-cache";
import { getDb, type Db } from "@/lib/db/client";
import { requirePermissionToRead, type Actor } from "@/lib/orgs/require-permission";
import { activityPermissions } from "@/lib/activity/permissions";

export const SUMMARY_DAYS = 30;
const RECENT_LIMIT = 15;

export type ActivitySummary = {
  /** Events per UTC day, oldest first, one entry per day of the window (zeros included). */
  daily: { day: string; count: number }[];
  recent: ActivityItem[];
};

// The dashboard's activity fragment. The id carries the UTC day, so the 30-day window moves at midnight without a write.
const summaries = defineCache<ActivitySummary>({
  name: "activity-summary",
  ttlSeconds: 900,
  tagOf: (id) => orgDataTag(id.split(":")[0]!),
});

/**
 * The org's activity over the last 30 days and its latest events; cached per org until the next recorded change, and
 * redacted for the reader's role after the cache (one cached copy serves every role).
 */
export async function getActivitySummary({ actor, orgId, now = new Date() }: { actor: Actor; orgId: string; now?: Date }): Promise<ActivitySummary> {
  const role = await requirePermissionToRead(actor, orgId, activityPermissions["activity:read"]);
  const today = now.toISOString().slice(0, 10);
  const summary = await summaries.getOrSet(`${orgId}:${today}`, () => loadActivitySummary(orgId, today));
  return { ...summary, recent: redactActivityItems(summary.recent, role) };
}

export async function loadActivitySummary(orgId: string, today: string, db: Db = getDb()): Promise<ActivitySummary> {
  const days = Array.from({ length: SUMMARY_DAYS }, (_, i) => {
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - (SUMMARY_DAYS - 1 - i));
    return d.toISOString().slice(0, 10);
  });
  // From activity_daily_counts (a row per org and UTC day, kept by a trigger on activity_events): 30 rows, however many
  // events the month's partition holds.
  const [counts, recent] = await Promise.all([
    db
      .select({ day: sql<string>`${activityDailyCounts.day}::text`, count: activityDailyCounts.count })
      .from(activityDailyCounts)
      .where(and(eq(activityDailyCounts.orgId, orgId), gte(activityDailyCounts.day, days[0]!))),
    selectRecentActivity(db, orgId, RECENT_LIMIT),
  ]);
  const byDay = new Map(counts.map((c) => [c.day, Number(c.count)]));
  return { daily: days.map((d) => ({ day: d, count: byDay.get(d) ?? 0 })), recent };
}
