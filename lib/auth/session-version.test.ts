import { describe, expect, it } from "vitest";
import { changePassword } from "@/lib/auth/account";
import { authenticateWithPassword } from "@/lib/auth/authenticate-with-password";
import { isSessionCurrent } from "@/lib/auth/session-version";
import { createUserWithPassword } from "@/lib/testing/factories";

describe("session revocation", () => {
  it("a token issued before a password change stops counting; one issued after counts", async () => {
    const user = await createUserWithPassword("old-password-1");
    const before = await authenticateWithPassword({ email: user.email, password: "old-password-1" });
    await changePassword({ userId: user.id, input: { currentPassword: "old-password-1", newPassword: "new-password-2" } });
    const after = await authenticateWithPassword({ email: user.email, password: "new-password-2" });
    expect(before && after).toBeTruthy();
    expect(isSessionCurrent(before!.sessionVersion, after!.sessionVersion)).toBe(false);
    expect(isSessionCurrent(after!.sessionVersion, after!.sessionVersion)).toBe(true);
  });

  it("treats tokens without a version as version 1", () => {
    expect(isSessionCurrent(undefined, 1)).toBe(true);
    expect(isSessionCurrent(undefined, 2)).toBe(false);
  });
});
