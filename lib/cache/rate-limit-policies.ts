// Every rate limit the app applies, in one place. A window is a sliding window on Upstash and a fixed one in memory
// (zero-setup mode). RATE_LIMIT_MULTIPLIER scales every limit (load tests and e2e runs come from one address).
export const rateLimitPolicies = {
  // Password guessing, failed attempts only (lib/auth/auth.ts): per address, whatever the account, and per account,
  // whatever the address.
  "sign-in-ip": { limit: 30, windowSeconds: 5 * 60 },
  "sign-in-email": { limit: 10, windowSeconds: 15 * 60 },
  // Account creation per address.
  "sign-up": { limit: 10, windowSeconds: 60 * 60 },
  // Reset mail: per inbox, so nobody can flood someone else's, and per address.
  "password-reset-email": { limit: 5, windowSeconds: 60 * 60 },
  "password-reset-ip": { limit: 20, windowSeconds: 60 * 60 },
  // Invitation mail per organization.
  invitations: { limit: 50, windowSeconds: 60 * 60 },
  // Every authenticated server action, per user.
  mutations: { limit: 120, windowSeconds: 60 },
} as const satisfies Record<string, { limit: number; windowSeconds: number }>;

export type RateLimitPolicyName = keyof typeof rateLimitPolicies;
