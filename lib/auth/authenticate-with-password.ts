import "server-only";
import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { signInInput } from "@/lib/auth/schemas";
import { verifyPassword } from "@/lib/auth/password";
import { getDb, type Db } from "@/lib/db/client";

/** The user whose email and password match, or null (never says which of the two was wrong). */
export async function authenticateWithPassword(credentials: unknown, db: Db = getDb()) {
  const parsed = signInInput.safeParse(credentials);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email))
    .limit(1);
  const ok = await verifyPassword(user?.passwordHash, password);
  return ok && user ? { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } : null;
}
