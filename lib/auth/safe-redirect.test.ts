import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";

describe("safeRedirectPath", () => {
  it.each(["/acme/projects?view=archived", "/invite/abc_DEF-123", "/app"])("keeps the same-site path %s", (path) => {
    expect(safeRedirectPath(path, "/app")).toBe(path);
  });

  it.each(["https://evil.com", "//evil.com", "/\\evil.com", "/\t/evil.com", "/\n/evil.com", "evil.com", "", null, ["/app"]])(
    "refuses %j",
    (value) => {
      expect(safeRedirectPath(value, "/app")).toBe("/app");
    },
  );
});
