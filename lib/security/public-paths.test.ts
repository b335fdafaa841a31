import { describe, expect, it } from "vitest";
import { isPublicPath } from "./public-paths";

const open = (pathname: string, devMailbox = false) => isPublicPath(pathname, { devMailbox });

describe("isPublicPath", () => {
  it("lets signed-out visitors reach the marketing, auth and probe routes", () => {
    for (const path of ["/", "/pricing", "/sign-in", "/sign-up", "/verify-email", "/forgot-password", "/reset-password"]) {
      expect(open(path), path).toBe(true);
    }
    for (const path of ["/api/health", "/api/ready", "/api/metrics", "/api/inngest"]) expect(open(path), path).toBe(true);
  });

  it("opens Auth.js endpoints with at most a provider below the action", () => {
    for (const path of ["/api/auth/session", "/api/auth/csrf", "/api/auth/signin/github", "/api/auth/callback/credentials", "/api/auth/verify-request"]) {
      expect(open(path), path).toBe(true);
    }
    expect(open("/api/auth")).toBe(false);
    expect(open("/api/auth/callback/github/extra")).toBe(false);
    expect(open("/api/auth/../metrics")).toBe(false);
  });

  it("opens one invitation token, nothing around it", () => {
    expect(open("/invite/Vq3x_9aB-cdEFghIJklMNopQRstUVwxYZ0123456789")).toBe(true);
    expect(open("/invite/")).toBe(false);
    expect(open("/invite/short")).toBe(false);
    expect(open("/invite/Vq3x_9aB-cdEFghIJklMNopQRstUVwxYZ0123456789/accept")).toBe(false);
  });

  it("opens the dev mailbox only while it exists", () => {
    expect(open("/dev/mailbox", true)).toBe(true);
    expect(open("/dev/mailbox", false)).toBe(false);
    expect(open("/dev/mailbox/1", true)).toBe(false);
  });

  it("keeps everything else private, including new routes under the old public prefixes", () => {
    for (const path of ["/app", "/acme", "/acme/settings", "/admin/system", "/api/admin", "/api/healthz", "/api/health/x", "/dev/tools", "/dev", "/pricing/secret", "/sign-in/x", "//sign-in", "/Sign-in"]) {
      expect(open(path, true), path).toBe(false);
    }
  });
});
