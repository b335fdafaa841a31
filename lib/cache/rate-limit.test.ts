import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  checkRateLimit,
  createMemoryLimiter,
  createUpstashLimiter,
  enforceRateLimit,
  RateLimitError,
  refundRateLimit,
  setRateLimiterForTests,
  type Limiter,
} from "@/lib/cache/rate-limit";
import { rateLimitPolicies, type RateLimitPolicyName } from "@/lib/cache/rate-limit-policies";
import { getMetrics } from "@/lib/observability/metrics";
import { openTestUpstash } from "@/lib/testing/upstash";

const upstash = await openTestUpstash("rate-limit.test");
afterAll(() => upstash?.close());
afterEach(() => setRateLimiterForTests(undefined));

const prefix = `rl-test-${randomUUID().slice(0, 8)}`;
const adapters: [string, () => Limiter][] = [["memory", () => createMemoryLimiter()]];
if (upstash) {
  adapters.push([
    "upstash (real Redis through the bridge)",
    () => createUpstashLimiter(new Redis({ url: upstash.url, token: upstash.token, enableTelemetry: false, retry: { retries: 0 } }), prefix),
  ]);
}

const policies = Object.keys(rateLimitPolicies) as RateLimitPolicyName[];

async function outcomes(policy: string, outcome: string): Promise<number> {
  const metric = await getMetrics().rateLimitDecisions.get();
  return metric.values.find((v) => v.labels.policy === policy && v.labels.outcome === outcome)?.value ?? 0;
}

describe.each(adapters)("rate limits on the %s adapter", (_name, createLimiter) => {
  it.each(policies)("%s: allows its limit within the window, then refuses with a Retry-After inside the window", async (policy) => {
    setRateLimiterForTests(createLimiter());
    const { limit, windowSeconds } = rateLimitPolicies[policy];
    const id = `${policy}-${randomUUID()}`;
    for (let i = 0; i < limit; i++) expect((await checkRateLimit(policy, id)).success).toBe(true);
    const refused = await checkRateLimit(policy, id);
    expect(refused.success).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(windowSeconds);
    // Another identifier has its own allowance.
    expect((await checkRateLimit(policy, `other-${randomUUID()}`)).success).toBe(true);
  });

  it("a refund gives back one counted request, and a burst of parallel requests gets exactly the limit through", async () => {
    setRateLimiterForTests(createLimiter());
    const id = `refund-${randomUUID()}`;
    const limit = rateLimitPolicies["sign-in-ip"].limit;
    for (let i = 0; i < limit; i++) expect((await checkRateLimit("sign-in-ip", id)).success).toBe(true);
    expect((await checkRateLimit("sign-in-ip", id)).success).toBe(false);
    await refundRateLimit("sign-in-ip", id);
    expect((await checkRateLimit("sign-in-ip", id)).success).toBe(true);
    expect((await checkRateLimit("sign-in-ip", id)).success).toBe(false);

    const burst = `burst-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 3 * limit }, () => checkRateLimit("sign-in-ip", burst)));
    expect(results.filter((r) => r.success)).toHaveLength(limit);
  });

  it("counts an identifier case-insensitively (emails), and enforce throws a 429 AppError with a readable wait", async () => {
    setRateLimiterForTests(createLimiter());
    const email = `Someone-${randomUUID()}@Example.test`;
    for (let i = 0; i < rateLimitPolicies["sign-in-email"].limit; i++) {
      await enforceRateLimit("sign-in-email", i % 2 ? email : email.toLowerCase());
    }
    const error = await enforceRateLimit("sign-in-email", email.toUpperCase()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: "rate_limited", status: 429 });
    expect((error as Error).message).toMatch(/^Too many attempts\. Try again in \d+ (seconds?|minutes)\.$/);
  });
});

describe("rate limits when the store is down", () => {
  it("let the request through and count the error", async () => {
    setRateLimiterForTests(createUpstashLimiter(new Redis({ url: "http://127.0.0.1:9", token: "x", retry: { retries: 0 } }), prefix));
    const before = await outcomes("sign-up", "error");
    await expect(enforceRateLimit("sign-up", "203.0.113.7")).resolves.toBeUndefined();
    expect(await outcomes("sign-up", "error")).toBe(before + 1);
  });
});
