import "server-only";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { defineCache, invalidateCacheTags } from "@/lib/cache/define-cache";
import { getDb, type Db } from "@/lib/db/client";
import { afterCommit } from "@/lib/db/transaction";

export type SessionUser = {
  id: string;
  email: string;
  name: string | null;
  emailVerified: Date | null;
  isPlatformAdmin: boolean;
  sessionVersion: number;
};

// The first lookup of every signed-in request. Its session version is what revokes JWTs, so every write to these
// columns invalidates it (invalidateSessionUser) and the next request, on any instance, sees the change.
const sessionUsers = defineCache<SessionUser | null>({ name: "session-user", ttlSeconds: 600, tagOf: (id) => `user:${id}` });

export function getSessionUser(userId: string): Promise<SessionUser | null> {
  return sessionUsers.getOrSet(userId, () => loadSessionUser(userId));
}

async function loadSessionUser(userId: string, db: Db = getDb()): Promise<SessionUser | null> {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      emailVerified: users.emailVerified,
      isPlatformAdmin: users.isPlatformAdmin,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return user ?? null;
}

/** After the transaction `db` commits: the user's cached row is stale everywhere. */
export function invalidateSessionUser(db: Db, userId: string): Promise<void> {
  return afterCommit(db, () => invalidateCacheTags([`user:${userId}`]));
}
