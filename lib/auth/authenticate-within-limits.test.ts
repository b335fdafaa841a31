import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { authenticateWithinLimits } from "@/lib/auth/authenticate-within-limits";
import { createMemoryLimiter, createUpstashLimiter, setRateLimiterForTests, type Limiter } from "@/lib/cache/rate-limit";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import { createUserWithPassword, uniqueEmail } from "@/lib/testing/factories";
import { openTestUpstash } from "@/lib/testing/upstash";

const PASSWORD = "correct horse battery";
const upstash = await openTestUpstash("authenticate-within-limits.test");
afterAll(() => upstash?.close());
afterEach(() => setRateLimiterForTests(undefined));

const prefix = `signin-test-${randomUUID().slice(0, 8)}`;
const adapters: [string, () => Limiter][] = [["memory", () => createMemoryLimiter()]];
if (upstash) {
  adapters.push([
    "upstash (real Redis through the bridge)",
    () => createUpstashLimiter(new Redis({ url: upstash.url, token: upstash.token, enableTelemetry: false, retry: { retries: 0 } }), prefix),
  ]);
}

const perAccount = rateLimitPolicies["sign-in-email"].limit;
const perAddress = rateLimitPolicies["sign-in-ip"].limit;
const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 4)}`;

/**
 * Upstash's sliding window counts the previous fixed window (aligned to the epoch) weighted by how much of it is left,
 * rounded down: a test that crosses a window's edge sees its earlier attempts count a little less, and one more gets
 * through. Each test here takes about a second; it starts clear of the edges of both sign-in windows (a wait of at
 * most 15 s, seldom needed).
 */
async function clearOfWindowEdges(needMs = 15_000) {
  for (const windowSeconds of [rateLimitPolicies["sign-in-email"].windowSeconds, rateLimitPolicies["sign-in-ip"].windowSeconds]) {
    const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
    if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 250));
  }
}

describe.each(adapters)("sign-in limits on the %s adapter", (_name, createLimiter) => {
  beforeEach(() => clearOfWindowEdges(), 40_000);
  it("50 parallel wrong guesses at one account: at most the account's allowance reaches the password check", async () => {
    setRateLimiterForTests(createLimiter());
    const user = await createUserWithPassword(PASSWORD, { email: uniqueEmail("burst") });
    // Each guess from its own address, as a botnet would: only the per-account limit stands in the way.
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => authenticateWithinLimits({ credentials: { email: user.email, password: `guess ${i}` }, ip: address() })),
    );
    const checked = outcomes.filter((o) => !o.ok && o.reason === "invalid");
    expect(checked.length).toBeLessThanOrEqual(perAccount);
    expect(checked.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.ok && o.reason === "rate_limited")).toHaveLength(50 - checked.length);
    // The right password is refused too until the window passes (and the answer says nothing about it).
    expect(await authenticateWithinLimits({ credentials: { email: user.email, password: PASSWORD }, ip: address() })).toEqual({ ok: false, reason: "rate_limited" });
  });

  it("50 parallel guesses from one address at many accounts: at most the address's allowance gets through", async () => {
    setRateLimiterForTests(createLimiter());
    const ip = address();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => authenticateWithinLimits({ credentials: { email: uniqueEmail("nobody"), password: "guess" }, ip })),
    );
    expect(outcomes.filter((o) => !o.ok && o.reason === "invalid").length).toBeLessThanOrEqual(perAddress);
    expect(outcomes.filter((o) => !o.ok && o.reason === "rate_limited").length).toBeGreaterThanOrEqual(50 - perAddress);
  });

  it("successful sign-ins use none of the allowance: a user who signs in often is never locked out", async () => {
    setRateLimiterForTests(createLimiter());
    const user = await createUserWithPassword(PASSWORD, { email: uniqueEmail("often") });
    const ip = address();
    for (let i = 0; i < perAccount - 1; i++) {
      expect(await authenticateWithinLimits({ credentials: { email: user.email, password: "wrong" }, ip })).toEqual({ ok: false, reason: "invalid" });
    }
    const successes = await Promise.all(
      Array.from({ length: 3 * perAccount }, () => authenticateWithinLimits({ credentials: { email: user.email, password: PASSWORD }, ip })),
    );
    // In parallel some may find the last token taken by a sibling and be refused; in sequence none would be.
    expect(successes.filter((o) => o.ok).length).toBeGreaterThan(0);
    for (let i = 0; i < 2 * perAccount; i++) {
      expect((await authenticateWithinLimits({ credentials: { email: user.email, password: PASSWORD }, ip })).ok).toBe(true);
    }
    // One more failure uses the last unit of the allowance; after it, even the right password waits.
    expect(await authenticateWithinLimits({ credentials: { email: user.email, password: "wrong" }, ip })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateWithinLimits({ credentials: { email: user.email, password: PASSWORD }, ip })).toEqual({ ok: false, reason: "rate_limited" });
  });
});
