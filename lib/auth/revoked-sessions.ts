import "server-only";
import { and, eq, lt } from "drizzle-orm";
import { revokedSessions } from "@/db/schema";
import type { SessionClaims } from "@/lib/auth/session-id";
import { invalidateSessionUser } from "@/lib/auth/user-cache";
import { defineCache } from "@/lib/cache/define-cache";
import { getDb, type Db } from "@/lib/db/client";

// "Is this session signed out?" is asked on every signed-in request, so it is answered from the shared cache: one
// lookup (entry and tag version in one MGET), no SQL while warm. The entry belongs to the user's tag (`user:<id>`,
// shared with the session-user entry), which signing out bumps after the row commits, so the next request on any
// instance reads the row. The short TTL bounds the damage of an invalidation lost while Redis hiccuped. A "not
// revoked" answer is cached too: it is the common one.
const revokedSessionCache = defineCache<boolean>({
  name: "session-revoked",
  ttlSeconds: 60,
  tagOf: (key) => `user:${key.slice(0, key.indexOf("."))}`,
  shouldStore: () => true,
});

export function isSessionRevoked(userId: string, sessionId: string): Promise<boolean> {
  return revokedSessionCache.getOrSet(`${userId}.${sessionId}`, () => loadIsRevoked(userId, sessionId));
}

async function loadIsRevoked(userId: string, sessionId: string, db: Db = getDb()): Promise<boolean> {
  const [row] = await db
    .select({ sessionId: revokedSessions.sessionId })
    .from(revokedSessions)
    .where(and(eq(revokedSessions.sessionId, sessionId), eq(revokedSessions.userId, userId)))
    .limit(1);
  return Boolean(row);
}

/** Ends one session (sign out): tokens carrying its id are refused from the next request on, on every instance. */
export async function revokeSession({ userId, claims }: { userId: string; claims: SessionClaims }, db: Db = getDb()): Promise<void> {
  await db
    .insert(revokedSessions)
    .values({ sessionId: claims.sid, userId, expiresAt: new Date(claims.sidExp * 1000) })
    .onConflictDoNothing();
  await invalidateSessionUser(db, userId);
}

/** Records of sessions past their absolute end, which no token can use any more: maintenance job. */
export async function purgeExpiredRevokedSessions({ now = new Date() }: { now?: Date } = {}, db: Db = getDb()): Promise<number> {
  const deleted = await db
    .delete(revokedSessions)
    .where(lt(revokedSessions.expiresAt, now))
    .returning({ sessionId: revokedSessions.sessionId });
  return deleted.length;
}
