// Every rate limit the app applies, in one place. A window is a sliding window on Upstash and a fixed one in memory
// (zero-setup mode). `per` says what is counted. RATE_LIMIT_MULTIPLIER (load tests and e2e runs, which come from one
// address, one user and one org) scales every policy except the ones counted per account: those stop password guessing
// at one account, no test needs more than their allowance, and a scaled one would hand an attacker that account.
//
// Mail: every message the app sends is counted per recipient (nobody can flood someone else's inbox through the app)
// and per sender (the signed-in user, or the client address when signed out), when the request that causes it is made:
// over the limit, that request is refused with a 429 and changes nothing (lib/email/mail-limits.ts).
export const rateLimitPolicies = {
  // Password guessing (lib/auth/authenticate-within-limits.ts): every attempt is counted before the password is
  // checked, and a successful one is given back, so only failures use the allowance — and a burst of parallel guesses
  // gets no more through than a sequence would.
  "sign-in-ip": { per: "client-address", limit: 30, windowSeconds: 5 * 60 },
  "sign-in-email": { per: "account", limit: 10, windowSeconds: 15 * 60 },
  // Account creation per address (also what bounds finding out which addresses have an account: docs/security.md).
  "sign-up": { per: "client-address", limit: 10, windowSeconds: 60 * 60 },
  // Reset mail: per inbox, whether or not it has an account, and per address.
  "password-reset-email": { per: "recipient", limit: 5, windowSeconds: 60 * 60 },
  "password-reset-ip": { per: "client-address", limit: 20, windowSeconds: 60 * 60 },
  // Verification links re-sent at a user's request; the recipient is that user's own address, so one count is both.
  "verification-mail": { per: "user", limit: 5, windowSeconds: 60 * 60 },
  // Invitation mail: per organization, per inviting user, and per invited address across every organization.
  invitations: { per: "org", limit: 50, windowSeconds: 60 * 60 },
  "invitation-mail-user": { per: "user", limit: 30, windowSeconds: 60 * 60 },
  "invitation-mail-recipient": { per: "recipient", limit: 5, windowSeconds: 24 * 60 * 60 },
  // "You were assigned a task": per assigning user and per assignee.
  "task-mail-user": { per: "user", limit: 100, windowSeconds: 60 * 60 },
  "task-mail-recipient": { per: "recipient", limit: 30, windowSeconds: 60 * 60 },
  // "You were mentioned in a comment": per mentioning user and per mentioned member.
  "mention-mail-user": { per: "user", limit: 100, windowSeconds: 60 * 60 },
  "mention-mail-recipient": { per: "recipient", limit: 30, windowSeconds: 60 * 60 },
  // "Your report is ready" goes to the user who asked for it: sender and recipient are one.
  "report-mail": { per: "user", limit: 20, windowSeconds: 60 * 60 },
  // Every authenticated server action, per user.
  mutations: { per: "user", limit: 120, windowSeconds: 60 },
} as const satisfies Record<string, { per: "client-address" | "account" | "user" | "org" | "recipient"; limit: number; windowSeconds: number }>;

export type RateLimitPolicyName = keyof typeof rateLimitPolicies;
