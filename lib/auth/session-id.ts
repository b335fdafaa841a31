// Every sign-in starts a session with its own id (`sid`) and an absolute end (`sidExp`, seconds since the epoch). Both
// travel in the JWT and survive its refreshes: Auth.js re-issues the cookie with a later `exp` as it is used, so `exp`
// cannot bound a session, but `sidExp` does. Signing out records the sid as revoked until `sidExp` (revoked-sessions.ts);
// after that no token carrying the sid is accepted anyway, so the record can go.

export type SessionClaims = { sid: string; sidExp: number };

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export function newSessionClaims(now = Date.now(), maxAgeSeconds = SESSION_MAX_AGE_SECONDS): SessionClaims {
  return { sid: crypto.randomUUID(), sidExp: Math.floor(now / 1000) + maxAgeSeconds };
}

/** The session's claims from a decoded token (or the session object that mirrors them); null for tokens from before
 * session ids existed. */
export function readSessionClaims(source: { sid?: unknown; sidExp?: unknown } | null | undefined): SessionClaims | null {
  const sid = source?.sid;
  const sidExp = source?.sidExp;
  if (typeof sid !== "string" || !/^[\w-]{16,64}$/.test(sid) || typeof sidExp !== "number") return null;
  return { sid, sidExp };
}

/** Past the session's absolute end: refused even though Auth.js kept refreshing the cookie. */
export function isSessionExpired(claims: SessionClaims | null, now = Date.now()): boolean {
  return claims !== null && claims.sidExp * 1000 <= now;
}
