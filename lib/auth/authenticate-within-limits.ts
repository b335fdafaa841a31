import "server-only";
import { authenticateWithPassword } from "@/lib/auth/authenticate-with-password";
import { checkRateLimit, refundRateLimit } from "@/lib/cache/rate-limit";
import { getDb, type Db } from "@/lib/db/client";

export type SignInOutcome =
  | { ok: true; user: NonNullable<Awaited<ReturnType<typeof authenticateWithPassword>>> }
  | { ok: false; reason: "invalid" | "rate_limited" };

/**
 * A password sign-in, limited per client address and per account. Each attempt is counted (atomically, in the
 * rate-limit store) before the password is checked, so a burst of parallel guesses gets no more through than the
 * allowance; a successful attempt is then given back, so only failures use it up and signing in often never locks
 * anyone out. A refused attempt never reaches the password check (and says nothing about the password).
 */
export async function authenticateWithinLimits({ credentials, ip }: { credentials: unknown; ip: string }, db: Db = getDb()): Promise<SignInOutcome> {
  const raw = (credentials ?? {}) as { email?: unknown };
  // Capped like an address can be (RFC 5321: 254), so a megabyte of "email" is not a megabyte of rate-limit key.
  const email = typeof raw.email === "string" ? raw.email.trim().toLowerCase().slice(0, 254) : "";
  const [byIp, byEmail] = await Promise.all([checkRateLimit("sign-in-ip", ip), email ? checkRateLimit("sign-in-email", email) : null]);
  // Refused attempts keep their count: they are attempts too, and giving them back would let a burst retry forever.
  if (!byIp.success || (byEmail && !byEmail.success)) return { ok: false, reason: "rate_limited" };
  const user = await authenticateWithPassword(credentials, db);
  if (!user) return { ok: false, reason: "invalid" };
  await Promise.all([refundRateLimit("sign-in-ip", ip), email ? refundRateLimit("sign-in-email", email) : null]);
  return { ok: true, user };
}
