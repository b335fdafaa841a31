import "server-only";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { rateLimitPolicies, type RateLimitPolicyName } from "@/lib/cache/rate-limit-policies";
import { withTimeout } from "@/lib/cache/with-timeout";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";
import { processState } from "@/lib/runtime/process-state";

export type RateLimitResult = { success: boolean; limit: number; remaining: number; retryAfterSeconds: number };

export type Limiter = {
  /** Counts one request and says whether it is allowed. */
  limit(policy: RateLimitPolicyName, identifier: string): Promise<RateLimitResult>;
  /** Gives back one request counted by limit() (an attempt that turned out not to count, e.g. a right password). */
  refund(policy: RateLimitPolicyName, identifier: string): Promise<void>;
};

const log = logger.child({ module: "rate-limit" });

/** A request over its allowance: 429, with the seconds after which it may try again (Retry-After). */
export class RateLimitError extends AppError {
  /** `explain` words the refusal for its context, given the wait ("5 minutes"); the default says "Too many attempts". */
  constructor(
    readonly retryAfterSeconds: number,
    explain: (wait: string) => string = (wait) => `Too many attempts. Try again in ${wait}.`,
  ) {
    super("rate_limited", explain(describeWait(retryAfterSeconds)));
  }
}

/**
 * Counts one request of `identifier` against the policy. When the store fails the request is let through (a cache
 * outage must not lock everyone out); the failure is logged and counted.
 */
export async function checkRateLimit(policy: RateLimitPolicyName, identifier: string): Promise<RateLimitResult> {
  const outcomes = getMetrics().rateLimitDecisions;
  try {
    const result = await getLimiter().limit(policy, identifier.toLowerCase());
    outcomes.inc({ policy, outcome: result.success ? "allowed" : "limited" });
    return result;
  } catch (error) {
    outcomes.inc({ policy, outcome: "error" });
    log.warn({ err: error, policy }, "rate-limit store failed; request allowed");
    return { success: true, limit: 0, remaining: 0, retryAfterSeconds: 0 };
  }
}

/**
 * Gives back one request that checkRateLimit counted. With it, a policy can count an attempt atomically before the
 * work it guards and then forget the attempts that succeed (failures-only semantics that hold under a burst: a
 * check-then-count-later policy lets every parallel request pass the check). Errors are logged, never thrown.
 */
export async function refundRateLimit(policy: RateLimitPolicyName, identifier: string): Promise<void> {
  try {
    await getLimiter().refund(policy, identifier.toLowerCase());
  } catch (error) {
    log.warn({ err: error, policy }, "rate-limit refund failed");
  }
}

/** Throws RateLimitError when `identifier` is over the policy's allowance. */
export async function enforceRateLimit(policy: RateLimitPolicyName, identifier: string): Promise<void> {
  const result = await checkRateLimit(policy, identifier);
  if (!result.success) throw new RateLimitError(result.retryAfterSeconds);
}

function scaledLimit(policy: RateLimitPolicyName): number {
  const { per, limit } = rateLimitPolicies[policy];
  // Limits that protect one account (password guessing) or one inbox (mail to a recipient) are never scaled: a load
  // test or an e2e run from one address needs more sign-ups, not more mail to one person. See rate-limit-policies.ts.
  return per === "account" || per === "recipient" ? limit : Math.max(1, Math.ceil(limit * getEnv().RATE_LIMIT_MULTIPLIER));
}

export function createUpstashLimiter(redis: Redis, prefix: string): Limiter {
  const limiters = new Map<RateLimitPolicyName, Ratelimit>();
  const limiterFor = (policy: RateLimitPolicyName) => {
    let limiter = limiters.get(policy);
    if (!limiter) {
      limiter = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(scaledLimit(policy), `${rateLimitPolicies[policy].windowSeconds} s`),
        prefix: `${prefix}:rl:${policy}`,
        analytics: false,
        // Its own timeout lets the request through silently; ours is counted and logged instead (checkRateLimit).
        timeout: 0,
      });
      limiters.set(policy, limiter);
    }
    return limiter;
  };
  return {
    async refund(policy, identifier) {
      // A negative rate is Upstash's refund: it decrements without checking the limit.
      await withTimeout(limiterFor(policy).limit(identifier, { rate: -1 }), 1000, "Rate-limit store");
    },
    async limit(policy, identifier) {
      const result = await withTimeout(limiterFor(policy).limit(identifier), 1000, "Rate-limit store");
      return {
        success: result.success,
        limit: result.limit,
        remaining: result.remaining,
        retryAfterSeconds: result.success ? 0 : Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)),
      };
    },
  };
}

export function createMemoryLimiter(): Limiter {
  const limiters = new Map<RateLimitPolicyName, RateLimiterMemory>();
  const limiterFor = (policy: RateLimitPolicyName) => {
    let limiter = limiters.get(policy);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: scaledLimit(policy), duration: rateLimitPolicies[policy].windowSeconds, keyPrefix: policy });
      limiters.set(policy, limiter);
    }
    return limiter;
  };
  return {
    async refund(policy, identifier) {
      await limiterFor(policy).reward(identifier, 1);
    },
    async limit(policy, identifier) {
      const limiter = limiterFor(policy);
      try {
        const res = await limiter.consume(identifier);
        return { success: true, limit: limiter.points, remaining: res.remainingPoints, retryAfterSeconds: 0 };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // rate-limiter-flexible counts refused requests too; Upstash does not. Give it back, so both adapters agree
        // (and a refund after a refusal really frees a unit).
        await limiter.reward(identifier, 1);
        return { success: false, limit: limiter.points, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    },
  };
}

const holder = processState("cache.rateLimiter", (): { rateLimiter?: Limiter } => ({}));

function getLimiter(): Limiter {
  holder.rateLimiter ??= createLimiterFromEnv();
  return holder.rateLimiter;
}

function createLimiterFromEnv(): Limiter {
  const env = getEnv();
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, enableTelemetry: false, retry: { retries: 0 } });
    return createUpstashLimiter(redis, env.CACHE_KEY_PREFIX);
  }
  return createMemoryLimiter();
}

/** Test hook: use this limiter from now on (undefined: a fresh one of the kind the environment names). */
export function setRateLimiterForTests(limiter: Limiter | undefined): void {
  holder.rateLimiter = limiter;
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}
