import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { organizations } from "@/db/schema";
import {
  changePassword,
  registerUser,
  requestPasswordReset,
  resendVerificationEmail,
  resetPassword,
  updateProfile,
  verifyEmail,
} from "@/lib/auth/account";
import { authenticateWithPassword } from "@/lib/auth/authenticate-with-password";
import { getDb } from "@/lib/db/client";
import { listUserOrganizations } from "@/lib/orgs/get-org-context";
import { activityOf, createUser, createUserWithPassword, getUserByEmail, getUserById, mailTo, unique, uniqueEmail } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";

const HOUR = 60 * 60 * 1000;
const PASSWORD = "correct horse battery";

async function register(overrides: { name?: string; email?: string; password?: string } = {}) {
  const input = { name: `Rita ${unique()}`, email: uniqueEmail("rita"), password: PASSWORD, ...overrides };
  const result = await registerUser({ input });
  return { ...result, ...input };
}

const tokenIn = (text: string, path: string) => new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(text)?.[1];

describe("registerUser", () => {
  it("creates the user, an organization they own, and emails a verification link", async () => {
    const { userId, orgSlug, verificationToken, name, email } = await register();

    const user = await getUserById(userId);
    expect(user).toMatchObject({ name, email, emailVerified: null, sessionVersion: 1 });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user!.passwordHash).not.toContain(PASSWORD);

    const orgs = await listUserOrganizations(userId);
    expect(orgs).toEqual([expect.objectContaining({ slug: orgSlug, name: `${name}'s workspace`, role: "owner" })]);
    expect((await activityOf(orgs[0]!.id)).map((e) => e.type)).toEqual(["org.created"]);

    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Verify your email for ${appConfig.name}`);
    expect(tokenIn(mail[0]!.text, "/verify-email")).toBe(verificationToken);
  });

  it("stores the address trimmed and lower-cased", async () => {
    const email = uniqueEmail("case");
    const { userId } = await register({ email: `  ${email.toUpperCase()} ` });
    expect((await getUserById(userId))!.email).toBe(email);
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("refuses an address already registered in another case, creating nothing", async () => {
    const { email, userId } = await register();
    const orgsBefore = await listUserOrganizations(userId);

    const impostor = `Impostor ${unique()}`;
    await expect(register({ email: email.toUpperCase(), name: impostor })).rejects.toMatchObject({
      code: "conflict",
      fieldErrors: { email: expect.any(Array) },
    });

    expect(await getUserByEmail(email)).toMatchObject({ id: userId, name: expect.not.stringMatching(impostor) });
    expect(await listUserOrganizations(userId)).toEqual(orgsBefore);
    expect(await getDb().select().from(organizations).where(eq(organizations.name, `${impostor}'s workspace`))).toEqual([]);
    expect(await mailTo(email)).toHaveLength(1);
  });

  it.each([
    ["a short password", { password: "short" }, "password"],
    ["an invalid email", { email: "nope" }, "email"],
    ["an empty name", { name: "   " }, "name"],
  ])("rejects %s as invalid_input on that field, creating nothing", async (_label, overrides, field) => {
    const email = uniqueEmail("weak");
    await expect(register({ email, ...overrides })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { [field]: expect.any(Array) },
    });
    expect(await getUserByEmail(email)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });
});

describe("verifyEmail", () => {
  it("verifies the address once; the link is then gone", async () => {
    const { userId, verificationToken } = await register();
    const now = new Date(Date.now() + HOUR);

    await expect(verifyEmail({ token: verificationToken, now })).resolves.toEqual({ userId });
    expect((await getUserById(userId))!.emailVerified).toEqual(now);

    await expect(verifyEmail({ token: verificationToken })).rejects.toMatchObject({ code: "gone" });
    expect((await getUserById(userId))!.emailVerified).toEqual(now);
  });

  it("an expired link (after 24 hours) is gone and verifies nothing", async () => {
    const { userId, verificationToken } = await register();
    await expect(verifyEmail({ token: verificationToken, now: new Date(Date.now() + 25 * HOUR) })).rejects.toMatchObject({
      code: "gone",
    });
    expect((await getUserById(userId))!.emailVerified).toBeNull();
  });

  it("an unknown token is gone", async () => {
    await expect(verifyEmail({ token: "x".repeat(43) })).rejects.toMatchObject({ code: "gone" });
  });

  it("a malformed token (cut short, not a string, missing) is refused with a message, and nothing is verified", async () => {
    const { userId, verificationToken } = await register();
    for (const token of [verificationToken.slice(0, 10), 42, undefined, `${verificationToken}<script>`]) {
      await expect(verifyEmail({ token })).rejects.toMatchObject({
        code: "invalid_input",
        message: "This link is incomplete. Open the link from your email again.",
      });
    }
    expect((await getUserById(userId))!.emailVerified).toBeNull();
  });

  it("a re-sent link replaces the old one", async () => {
    const { userId, verificationToken, email } = await register();
    await expect(resendVerificationEmail({ userId })).resolves.toEqual({ alreadyVerified: false });
    const mail = await mailTo(email);
    expect(mail).toHaveLength(2);
    const newToken = tokenIn(mail[1]!.text, "/verify-email")!;
    expect(newToken).not.toBe(verificationToken);

    await expect(verifyEmail({ token: verificationToken })).rejects.toMatchObject({ code: "gone" });
    await verifyEmail({ token: newToken });
    expect((await getUserById(userId))!.emailVerified).not.toBeNull();
    await expect(resendVerificationEmail({ userId })).resolves.toEqual({ alreadyVerified: true });
    expect(await mailTo(email)).toHaveLength(2);
  });
});

describe("password reset", () => {
  it("for an unknown address returns quietly and sends nothing", async () => {
    const email = uniqueEmail("nobody");
    await expect(requestPasswordReset({ input: { email } })).resolves.toEqual({ token: undefined });
    expect(await mailTo(email)).toHaveLength(0);
  });

  it("emails a link for a known address typed in another case", async () => {
    const { email } = await register();
    const { token } = await requestPasswordReset({ input: { email: email.toUpperCase() } });
    const mail = (await mailTo(email)).filter((m) => m.subject === `Reset your ${appConfig.name} password`);
    expect(mail).toHaveLength(1);
    expect(tokenIn(mail[0]!.text, "/reset-password")).toBe(token);
  });

  it("sets a new password, signs out other sessions, proves the address, and works once", async () => {
    const { userId, email } = await register();
    const { token } = await requestPasswordReset({ input: { email } });
    const newPassword = "a brand new passphrase";

    await expect(resetPassword({ input: { token, password: newPassword } })).resolves.toEqual({ userId });

    const user = await getUserById(userId);
    expect(user!.sessionVersion).toBe(2);
    expect(user!.emailVerified).not.toBeNull();
    expect(await authenticateWithPassword({ email, password: newPassword })).toMatchObject({ id: userId });
    expect(await authenticateWithPassword({ email, password: PASSWORD })).toBeNull();

    await expect(resetPassword({ input: { token, password: "yet another passphrase" } })).rejects.toMatchObject({ code: "gone" });
    expect(await authenticateWithPassword({ email, password: newPassword })).toMatchObject({ id: userId });
    expect((await getUserById(userId))!.sessionVersion).toBe(2);
  });

  it("keeps an existing verification date", async () => {
    const verifiedAt = new Date("2025-01-02T03:04:05.000Z");
    const user = await createUserWithPassword(PASSWORD, { emailVerified: verifiedAt });
    const { token } = await requestPasswordReset({ input: { email: user.email } });
    await resetPassword({ input: { token, password: "another good passphrase" } });
    expect((await getUserById(user.id))!.emailVerified).toEqual(verifiedAt);
  });

  it("an expired link (after 1 hour) is gone and changes nothing", async () => {
    const { userId, email } = await register();
    const { token } = await requestPasswordReset({ input: { email } });
    await expect(
      resetPassword({ input: { token, password: "too late passphrase" }, now: new Date(Date.now() + 61 * 60 * 1000) }),
    ).rejects.toMatchObject({ code: "gone" });
    expect(await authenticateWithPassword({ email, password: PASSWORD })).toMatchObject({ id: userId });
    expect((await getUserById(userId))!.sessionVersion).toBe(1);
  });

  it("a weak new password is invalid_input and does not use up the link", async () => {
    const { userId, email } = await register();
    const { token } = await requestPasswordReset({ input: { email } });
    await expect(resetPassword({ input: { token, password: "short" } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { password: expect.any(Array) },
    });
    await expect(resetPassword({ input: { token, password: "long enough now" } })).resolves.toEqual({ userId });
  });

  it("a newer reset link replaces the older one", async () => {
    const { email } = await register();
    const first = await requestPasswordReset({ input: { email } });
    const second = await requestPasswordReset({ input: { email } });
    await expect(resetPassword({ input: { token: first.token, password: "first passphrase" } })).rejects.toMatchObject({
      code: "gone",
    });
    await resetPassword({ input: { token: second.token, password: "second passphrase" } });
    expect(await authenticateWithPassword({ email, password: "second passphrase" })).not.toBeNull();
  });

  it("a verification token is not accepted as a reset token", async () => {
    const { verificationToken, email } = await register();
    await expect(resetPassword({ input: { token: verificationToken, password: "hijacked passphrase" } })).rejects.toMatchObject({
      code: "gone",
    });
    expect(await authenticateWithPassword({ email, password: PASSWORD })).not.toBeNull();
  });
});

describe("changePassword", () => {
  it("with the wrong current password is invalid_input and keeps the old password", async () => {
    const { userId, email } = await register();
    await expect(
      changePassword({ userId, input: { currentPassword: "not my password", newPassword: "something new here" } }),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { currentPassword: expect.any(Array) } });
    expect(await authenticateWithPassword({ email, password: PASSWORD })).toMatchObject({ id: userId });
    expect(await authenticateWithPassword({ email, password: "something new here" })).toBeNull();
    expect((await getUserById(userId))!.sessionVersion).toBe(1);
  });

  it("with the right current password switches to the new one and signs out other sessions", async () => {
    const { userId, email } = await register();
    await changePassword({ userId, input: { currentPassword: PASSWORD, newPassword: "something new here" } });
    expect(await authenticateWithPassword({ email, password: "something new here" })).toMatchObject({ id: userId });
    expect(await authenticateWithPassword({ email, password: PASSWORD })).toBeNull();
    expect((await getUserById(userId))!.sessionVersion).toBe(2);
  });

  it("rejects a weak new password", async () => {
    const { userId, email } = await register();
    await expect(changePassword({ userId, input: { currentPassword: PASSWORD, newPassword: "short" } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { newPassword: expect.any(Array) },
    });
    expect(await authenticateWithPassword({ email, password: PASSWORD })).not.toBeNull();
  });
});

describe("authenticateWithPassword", () => {
  it("returns the user (without the hash) for the right password, matching the email case-insensitively", async () => {
    const { userId, email, name } = await register();
    const user = await authenticateWithPassword({ email: `  ${email.toUpperCase()}  `, password: PASSWORD });
    expect(user).toEqual({ id: userId, email, name, sessionVersion: 1 });
  });

  it("returns null for a wrong password, an unknown email, or malformed input", async () => {
    const { email } = await register();
    expect(await authenticateWithPassword({ email, password: `${PASSWORD}!` })).toBeNull();
    expect(await authenticateWithPassword({ email, password: PASSWORD.toUpperCase() })).toBeNull();
    expect(await authenticateWithPassword({ email: uniqueEmail("ghost"), password: PASSWORD })).toBeNull();
    expect(await authenticateWithPassword({ email, password: "" })).toBeNull();
    expect(await authenticateWithPassword(undefined)).toBeNull();
  });

  it("returns null for an account that has no password (OAuth only)", async () => {
    const user = await createUserWithPassword(PASSWORD);
    const oauthOnly = await createUser();
    expect(await authenticateWithPassword({ email: user.email, password: PASSWORD })).toMatchObject({ id: user.id });
    expect(await authenticateWithPassword({ email: oauthOnly.email, password: PASSWORD })).toBeNull();
  });
});

describe("updateProfile", () => {
  it("renames the user, trimming the name, and refuses an empty one", async () => {
    const { userId } = await register();
    await updateProfile({ userId, input: { name: "  New Name  " } });
    expect((await getUserById(userId))!.name).toBe("New Name");
    await expect(updateProfile({ userId, input: { name: "  " } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { name: expect.any(Array) },
    });
    expect((await getUserById(userId))!.name).toBe("New Name");
  });
});
