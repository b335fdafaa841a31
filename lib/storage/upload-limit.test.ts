import { describe, expect, it } from "vitest";
import { getEnv } from "@/lib/env";
import nextConfig, { serverActionBodyLimit } from "../../next.config";

// Next.js refuses a server action body over its own limit before the app sees it: that limit must follow the app's
// upload cap (UPLOAD_MAX_BYTES), or raising the cap would turn uploads into failed requests instead of imports.
describe("the server action body limit", () => {
  it("is the upload cap plus room for the form's other fields", () => {
    expect(serverActionBodyLimit(String(10 * 1024 * 1024))).toBe(11 * 1024 * 1024);
    expect(serverActionBodyLimit(undefined)).toBe(3 * 1024 * 1024);
    expect(serverActionBodyLimit("not a number")).toBe(3 * 1024 * 1024);
  });

  it("is what next.config.ts gives Next.js, for the action and for the body buffered for proxy.ts", () => {
    const limit = getEnv().UPLOAD_MAX_BYTES + 1024 * 1024;
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(limit);
    expect(nextConfig.experimental?.proxyClientMaxBodySize).toBeGreaterThanOrEqual(limit);
  });
});
