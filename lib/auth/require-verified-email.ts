import "server-only";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/** What the user reads when refused: what to do, not only what went wrong. */
export function unverifiedMessage(doing: string): string {
  return `Verify your email address before ${doing}: open the link we sent you, or send a new one from the banner.`;
}

/**
 * Guard for everything that makes the app mail someone other than the actor (invitations, task assignments). Until the
 * address is proven, the account may belong to someone who typed a victim's address: they may use their own workspace,
 * but the only mail they can cause is their own verification. Read from the database (writes never trust a cache).
 */
export async function requireVerifiedEmail(actor: { userId: string }, doing: string, db: Db = getDb()): Promise<void> {
  const [user] = await db.select({ emailVerified: users.emailVerified }).from(users).where(eq(users.id, actor.userId)).limit(1);
  if (!user) throw new AppError("unauthenticated", "Please sign in again.");
  if (!user.emailVerified) throw new AppError("forbidden", unverifiedMessage(doing));
}
