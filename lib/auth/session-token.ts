import { decode, getToken, type JWT } from "next-auth/jwt";
import { getAuthSecret, getAuthUrl } from "@/lib/env";
import { processState } from "@/lib/runtime/process-state";

// The session cookie, decoded once per process rather than on every request. Auth.js's session token is an
// encrypted JWT (JWE): each decode derives the key (HKDF) and decrypts through WebCrypto, and `auth()` encodes a fresh
// token on top; the proxy and the page each paid that on every request (a tenth of a signed-in request's CPU, see
// docs/performance.md). A token string always decodes to the same claims, so the result is kept per token string
// until the token's own `exp`, in a bounded map shared by the proxy and the pages (same process, separate bundles:
// hence processState). Only successful decodes are kept: a forged cookie costs its decode each time, as before.
// What can change for a valid token — a sign-out, a password change — is checked on every request all the same
// (lib/auth/current-user.ts: revoked sessions, session version). Pages no longer go through Auth.js's `auth()`, so
// its `jwt` and `session` callbacks do not run for them: a fork that adds claims there reads them from the token here.

const MAX_ENTRIES = 10_000;
type Entry = { token: JWT; expiresAtMs: number };
const holder = processState("auth.decodedSessions", (): { decodedSessions?: Map<string, Entry> } => ({}));

function decoded(): Map<string, Entry> {
  holder.decodedSessions ??= new Map();
  return holder.decodedSessions;
}

/**
 * Whether the session cookie carries the `__Secure-` name. Auth.js names it after the protocol of its URL: AUTH_URL,
 * which lib/env.ts pins to APP_URL when that is set; without it, the request's own protocol — and a browser sends a
 * `__Secure-` cookie only over https, so its presence says the same.
 */
export function usesSecureSessionCookie(cookie: string): boolean {
  const authUrl = getAuthUrl();
  if (authUrl) return authUrl.startsWith("https:");
  return /(^|;\s*)__Secure-authjs\.session-token(\.\d+)?=/.test(cookie);
}

async function memoizedDecode(params: Parameters<typeof decode>[0]): Promise<JWT | null> {
  const entries = decoded();
  const key = `${params.salt}:${params.token}`;
  const hit = entries.get(key);
  if (hit && hit.expiresAtMs > Date.now()) {
    // Most recently used last: the first key is the one to evict.
    entries.delete(key);
    entries.set(key, hit);
    return hit.token;
  }
  if (hit) entries.delete(key);
  const token = await decode(params);
  // Shared by every request presenting this token: nobody may change it in place.
  if (token) Object.freeze(token);
  if (token && typeof token.exp === "number") {
    entries.set(key, { token, expiresAtMs: token.exp * 1000 });
    if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  }
  return token;
}

/**
 * The decoded session token in a request's cookies, or null (no cookie, forged, expired). Only the cookie counts: an
 * Authorization header is not a way in.
 */
export async function readSessionToken(headers: Headers): Promise<JWT | null> {
  const cookie = headers.get("cookie");
  if (!cookie) return null;
  return getToken({
    req: { headers: new Headers({ cookie }) },
    secret: getAuthSecret(),
    secureCookie: usesSecureSessionCookie(cookie),
    decode: memoizedDecode as typeof decode,
  });
}

/** Test hook: forget every decoded token. */
export function clearDecodedSessionsForTests(): void {
  decoded().clear();
}
