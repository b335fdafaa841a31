import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isSessionRevoked } from "@/lib/auth/revoked-sessions";
import { isSessionExpired, readSessionClaims } from "@/lib/auth/session-id";
import { readSessionToken } from "@/lib/auth/session-token";
import { isSessionCurrent } from "@/lib/auth/session-version";
import { getSessionUser } from "@/lib/auth/user-cache";

export type CurrentUser = {
  id: string;
  email: string;
  name: string | null;
  emailVerified: Date | null;
  isPlatformAdmin: boolean;
};

/**
 * The signed-in user, loaded once per request; null when signed out or when the user no longer exists. Reads the
 * session cookie itself rather than through Auth.js's `auth()`, which re-encodes the token on every call: the
 * decoded token is shared with proxy.ts and later requests (lib/auth/session-token.ts).
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await readSessionToken(await headers());
  const userId = session?.sub;
  if (!userId) return null;
  const claims = readSessionClaims(session as { sid?: unknown; sidExp?: unknown });
  if (isSessionExpired(claims)) return null;
  // Both from the cache, in parallel: the user row and whether this session was signed out.
  const [user, isRevoked] = await Promise.all([getSessionUser(userId), claims ? isSessionRevoked(userId, claims.sid) : false]);
  // A deleted user, a signed-out session, or a token from before a password change/reset or "sign out everywhere".
  if (!user || isRevoked || !isSessionCurrent(session.sv, user.sessionVersion)) return null;
  const { sessionVersion: _version, ...current } = user;
  // Operators can be named in PLATFORM_ADMIN_EMAILS (bootstrap, no SQL needed) as well as flagged in the database.
  // Only once the address is verified, or whoever signs up first with that email would become an operator.
  const isListedOperator = Boolean(current.emailVerified) && getEnv().PLATFORM_ADMIN_EMAILS.includes(current.email.toLowerCase());
  return { ...current, isPlatformAdmin: current.isPlatformAdmin || isListedOperator };
});

/**
 * The user id the session cookie names, before anything about the session is checked (no I/O: the decode is shared
 * with getCurrentUser). Only to start lookups early that are read once getCurrentUser has passed that same user.
 */
export const getUncheckedSessionUserId = cache(async (): Promise<string | null> => (await readSessionToken(await headers()))?.sub ?? null);

/** For server actions and route handlers: the signed-in user or an `unauthenticated` AppError. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Please sign in again.");
  return user;
}

/** For pages: the signed-in user, or a redirect to the sign-in page that comes back here. */
export async function requireUserOrRedirect(returnTo?: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(returnTo ? `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}` : "/sign-in");
  return user;
}
