import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { revokedSessions } from "@/db/schema";
import { isSessionRevoked, purgeExpiredRevokedSessions, revokeSession } from "@/lib/auth/revoked-sessions";
import { isSessionExpired, newSessionClaims, readSessionClaims } from "@/lib/auth/session-id";
import { getDb } from "@/lib/db/client";
import { withQueryCount } from "@/lib/db/query-counter";
import { createUser } from "@/lib/testing/factories";

describe("session ids", () => {
  it("each sign-in gets its own id and an absolute end", () => {
    const now = Date.UTC(2026, 0, 1);
    const a = newSessionClaims(now, 3600);
    const b = newSessionClaims(now, 3600);
    expect(a.sid).not.toBe(b.sid);
    expect(a.sidExp).toBe(now / 1000 + 3600);
    expect(isSessionExpired(a, now + 3599_000)).toBe(false);
    expect(isSessionExpired(a, now + 3600_000)).toBe(true);
  });

  it("reads only well-formed claims; tokens from before session ids have none", () => {
    const claims = newSessionClaims();
    expect(readSessionClaims(claims)).toEqual(claims);
    expect(readSessionClaims({})).toBeNull();
    expect(readSessionClaims({ sid: "short", sidExp: 1 })).toBeNull();
    expect(readSessionClaims({ sid: claims.sid, sidExp: "1" })).toBeNull();
    expect(isSessionExpired(null)).toBe(false);
  });
});

describe("revoked sessions", () => {
  it("signing out one session refuses it on the next read and leaves the user's other sessions alone", async () => {
    const user = await createUser();
    const signedOut = newSessionClaims();
    const other = newSessionClaims();
    // Warm both answers, as two browsers' requests would.
    expect(await isSessionRevoked(user.id, signedOut.sid)).toBe(false);
    expect(await isSessionRevoked(user.id, other.sid)).toBe(false);

    await revokeSession({ userId: user.id, claims: signedOut });

    expect(await isSessionRevoked(user.id, signedOut.sid)).toBe(true);
    expect(await isSessionRevoked(user.id, other.sid)).toBe(false);
    const [row] = await getDb().select().from(revokedSessions).where(eq(revokedSessions.sessionId, signedOut.sid));
    expect(row?.expiresAt.getTime()).toBe(signedOut.sidExp * 1000);
  });

  it("a session id is bound to its user: another user's token with the same id is not affected", async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const claims = newSessionClaims();
    await revokeSession({ userId: alice.id, claims });
    expect(await isSessionRevoked(bob.id, claims.sid)).toBe(false);
  });

  it("a warm check costs no SQL, a cold one a single select", async () => {
    const user = await createUser();
    const claims = newSessionClaims();
    expect((await withQueryCount(() => isSessionRevoked(user.id, claims.sid))).count).toBe(1);
    expect((await withQueryCount(() => isSessionRevoked(user.id, claims.sid))).count).toBe(0);
    await revokeSession({ userId: user.id, claims });
    expect((await withQueryCount(() => isSessionRevoked(user.id, claims.sid))).count).toBe(1);
    expect((await withQueryCount(() => isSessionRevoked(user.id, claims.sid))).count).toBe(0);
  });

  it("signing out twice is harmless", async () => {
    const user = await createUser();
    const claims = newSessionClaims();
    await revokeSession({ userId: user.id, claims });
    await revokeSession({ userId: user.id, claims });
    expect(await isSessionRevoked(user.id, claims.sid)).toBe(true);
  });

  it("maintenance prunes only records past the session's absolute end", async () => {
    const user = await createUser();
    const now = Date.now();
    const ended = newSessionClaims(now - 40 * 24 * 3600 * 1000); // started 40 days ago: over
    const live = newSessionClaims(now);
    await revokeSession({ userId: user.id, claims: ended });
    await revokeSession({ userId: user.id, claims: live });

    expect(await purgeExpiredRevokedSessions({ now: new Date(now) })).toBeGreaterThanOrEqual(1);

    const left = await getDb().select({ sid: revokedSessions.sessionId }).from(revokedSessions).where(eq(revokedSessions.userId, user.id));
    expect(left.map((r) => r.sid)).toEqual([live.sid]);
  });
});
