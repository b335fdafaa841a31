import "server-only";
import { desc, eq } from "drizzle-orm";
import { activityEvents, users } from "@/db/schema";
import { redactActivityItems } from "@/lib/activity/redact-activity";
import { getDb, type Db } from "@/lib/db/client";
import { requirePermissionToRead, type Actor } from "@/lib/orgs/require-permission";
import { activityPermissions } from "@/lib/activity/permissions";

export type ActivityItem = {
  id: string;
  type: string;
  subjectType: string;
  subjectId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  actorName: string | null;
  actorEmail: string | null;
};

/** The org's most recent events with their actors, in one query, as the actor's role may see them. */
export async function listRecentActivity(
  { actor, orgId, limit = 20 }: { actor: Actor; orgId: string; limit?: number },
  db: Db = getDb(),
): Promise<ActivityItem[]> {
  const role = await requirePermissionToRead(actor, orgId, activityPermissions["activity:read"]);
  return redactActivityItems(await selectRecentActivity(db, orgId, limit), role);
}

/** The query behind listRecentActivity, unredacted: for callers that authorize the reader and redact for their role. */
export function selectRecentActivity(db: Db, orgId: string, limit: number): Promise<ActivityItem[]> {
  return db
    .select({
      id: activityEvents.id,
      type: activityEvents.type,
      subjectType: activityEvents.subjectType,
      subjectId: activityEvents.subjectId,
      data: activityEvents.data,
      createdAt: activityEvents.createdAt,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(activityEvents)
    .leftJoin(users, eq(users.id, activityEvents.actorId))
    .where(eq(activityEvents.orgId, orgId))
    .orderBy(desc(activityEvents.createdAt), desc(activityEvents.id))
    .limit(Math.min(Math.max(limit, 1), 100));
}
