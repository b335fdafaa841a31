import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { memberships, users, userTokens } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { emailSchema, nameSchema, passwordSchema, signUpInput } from "@/lib/auth/schemas";
import { generateToken, hashToken, parseLinkToken } from "@/lib/auth/tokens";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { afterCommit, withTx } from "@/lib/db/transaction";
import { passwordResetRequested, verificationEmailRequested } from "@/lib/auth/events";
import { enqueueEvent } from "@/lib/jobs/outbox";
import { seal } from "@/lib/seal";
import { orgDataTag, orgMembersTag } from "@/lib/activity/org-cache-tags";
import { invalidateCacheTags } from "@/lib/cache/define-cache";
import { invalidateSessionUser } from "@/lib/auth/user-cache";
import { AppError, isUniqueViolation, parseOrThrow } from "@/lib/errors";
import { createOrganization } from "@/lib/orgs/create-organization";
import { enforceMailLimits } from "@/lib/email/mail-limits";
import { z } from "zod";

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
export const RESET_PASSWORD_TTL_MS = 60 * 60 * 1000;

type TokenPurpose = "verify_email" | "reset_password";

async function issueToken(tx: Db | Tx, userId: string, purpose: TokenPurpose, ttlMs: number, now: Date) {
  const { token, tokenHash } = generateToken();
  // A new link replaces older unused ones for the same purpose.
  await tx
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt)));
  await tx.insert(userTokens).values({ userId, purpose, tokenHash, expiresAt: new Date(now.getTime() + ttlMs) });
  return token;
}

/** Marks a token used and returns its user; throws `gone` when it is unknown, used or expired. Single use. */
async function consumeToken(tx: Tx, token: string, purpose: TokenPurpose, now: Date): Promise<string> {
  const [row] = await tx
    .update(userTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(userTokens.tokenHash, hashToken(token)),
        eq(userTokens.purpose, purpose),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, now),
      ),
    )
    .returning({ userId: userTokens.userId });
  if (!row) throw new AppError("gone", "This link is invalid, expired or already used. Request a new one.");
  return row.userId;
}

/**
 * Creates the user and their first organization (owner), and queues the welcome/verification email, all or nothing:
 * the email is an outbox event of the same transaction, sent by a job (retried until delivered).
 */
export async function registerUser(
  { input, now = new Date() }: { input: unknown; now?: Date },
  db: Db = getDb(),
): Promise<{ userId: string; orgSlug: string; verificationToken: string }> {
  const { name, email, password } = parseOrThrow(signUpInput, input);
  const passwordHash = await hashPassword(password);
  try {
    const result = await withTx(async (tx) => {
      const [user] = await tx.insert(users).values({ name, email, passwordHash }).returning({ id: users.id });
      const org = await createOrganization({ ownerId: user!.id, name: `${name}'s workspace` }, tx);
      const token = await issueToken(tx, user!.id, "verify_email", VERIFY_EMAIL_TTL_MS, now);
      await enqueueEvent(tx, verificationEmailRequested, { userId: user!.id, sealedToken: await seal(token), welcome: true });
      return { userId: user!.id, orgSlug: org.slug, verificationToken: token };
    }, db);
    return result;
  } catch (error) {
    if (isUniqueViolation(error, "users_email_lower_idx")) {
      throw new AppError("conflict", "An account with this email already exists. Sign in instead.", {
        email: ["An account with this email already exists."],
      });
    }
    throw error;
  }
}

export async function resendVerificationEmail({ userId, now = new Date() }: { userId: string; now?: Date }, db: Db = getDb()) {
  const [user] = await db
    .select({ email: users.email, name: users.name, emailVerified: users.emailVerified })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new AppError("unauthenticated", "Please sign in again.");
  if (user.emailVerified) return { alreadyVerified: true };
  // Before anything is written: a refused resend leaves the last link valid.
  await enforceMailLimits("verification", { senderId: userId, recipient: user.email });
  await withTx(async (tx) => {
    const token = await issueToken(tx, userId, "verify_email", VERIFY_EMAIL_TTL_MS, now);
    await enqueueEvent(tx, verificationEmailRequested, { userId, sealedToken: await seal(token), welcome: false });
  }, db);
  return { alreadyVerified: false };
}

/** Verifies the address of the user a verification link names; `token` as submitted (validated here). */
export async function verifyEmail({ token, now = new Date() }: { token: unknown; now?: Date }, db: Db = getDb()) {
  const linkToken = parseLinkToken(token);
  return withTx(async (tx) => {
    const userId = await consumeToken(tx, linkToken, "verify_email", now);
    await tx.update(users).set({ emailVerified: now, updatedAt: now }).where(eq(users.id, userId));
    await invalidateSessionUser(tx, userId);
    return { userId };
  }, db);
}

/**
 * Emails a reset link if the address has an account. Runs in a job (issue-password-reset): a request only queues the
 * address (submitPasswordReset), so its answer and its timing are the same whether or not an account exists.
 */
export async function requestPasswordReset({ input, now = new Date() }: { input: unknown; now?: Date }, db: Db = getDb()) {
  const { email } = parseOrThrow(z.object({ email: emailSchema }), input);
  const [user] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(sql`lower(${users.email})`, email));
  if (!user) return { token: undefined };
  const token = await withTx(async (tx) => {
    const issued = await issueToken(tx, user.id, "reset_password", RESET_PASSWORD_TTL_MS, now);
    await enqueueEvent(tx, passwordResetRequested, { userId: user.id, sealedToken: await seal(issued) });
    return issued;
  }, db);
  return { token };
}

export const resetPasswordInput = z.object({ token: z.string().min(1, "This link is incomplete."), password: passwordSchema });

/** Sets a new password from a reset link. Also proves the address, and signs out every existing session. */
export async function resetPassword({ input, now = new Date() }: { input: unknown; now?: Date }, db: Db = getDb()) {
  const { token, password } = parseOrThrow(resetPasswordInput, input);
  const passwordHash = await hashPassword(password);
  return withTx(async (tx) => {
    const userId = await consumeToken(tx, token, "reset_password", now);
    await tx
      .update(users)
      .set({
        passwordHash,
        emailVerified: sql`coalesce(${users.emailVerified}, ${now.toISOString()}::timestamptz)`,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: now,
      })
      .where(eq(users.id, userId));
    await invalidateSessionUser(tx, userId);
    return { userId };
  }, db);
}

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(128),
  newPassword: passwordSchema,
});

export async function changePassword({ userId, input }: { userId: string; input: unknown }, db: Db = getDb()) {
  const { currentPassword, newPassword } = parseOrThrow(changePasswordInput, input);
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (!user) throw new AppError("unauthenticated", "Please sign in again.");
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new AppError("invalid_input", "Your current password is not correct.", {
      currentPassword: ["Your current password is not correct."],
    });
  }
  const passwordHash = await hashPassword(newPassword);
  await db
    .update(users)
    .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, userId));
  await invalidateSessionUser(db, userId);
}

/** Revokes every session of the user, this one included: their JWTs name a session version that no longer counts. */
export async function signOutEverywhere({ userId }: { userId: string }, db: Db = getDb()) {
  await db.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() }).where(eq(users.id, userId));
  await invalidateSessionUser(db, userId);
}

export const updateProfileInput = z.object({ name: nameSchema });

export async function updateProfile({ userId, input }: { userId: string; input: unknown }, db: Db = getDb()) {
  const { name } = parseOrThrow(updateProfileInput, input);
  await withTx(async (tx) => {
    await tx.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, userId));
    await invalidateSessionUser(tx, userId);
    // Their name shows in member lists and activity feeds of every org they belong to: those cached copies go too.
    const orgs = await tx.select({ orgId: memberships.orgId }).from(memberships).where(eq(memberships.userId, userId));
    await afterCommit(tx, () => invalidateCacheTags(orgs.flatMap((o) => [orgDataTag(o.orgId), orgMembersTag(o.orgId)])));
  }, db);
}

/** Who an account email goes to (jobs): null when the user was deleted meanwhile. */
export async function getUserContact(userId: string, db: Db = getDb()) {
  const [user] = await db
    .select({ email: users.email, name: users.name, emailVerified: users.emailVerified })
    .from(users)
    .where(eq(users.id, userId));
  return user ?? null;
}

/** Deletes link tokens that can no longer be used (expired or consumed a day ago): maintenance job. */
export async function purgeUnusableTokens({ now = new Date() }: { now?: Date } = {}, db: Db = getDb()): Promise<number> {
  const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000);
  const deleted = await db
    .delete(userTokens)
    .where(sql`${userTokens.expiresAt} < ${now.toISOString()}::timestamptz or ${userTokens.usedAt} < ${dayAgo.toISOString()}::timestamptz`)
    .returning({ id: userTokens.id });
  return deleted.length;
}
