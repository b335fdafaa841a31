import "server-only";
import { checkRateLimit, RateLimitError, refundRateLimit } from "@/lib/cache/rate-limit";
import type { RateLimitPolicyName } from "@/lib/cache/rate-limit-policies";

// Every mail the app sends on someone's behalf is counted when the request that causes it is made, per sender and per
// recipient (policies in lib/cache/rate-limit-policies.ts). Over either limit the request is refused with a 429 whose
// message says which, and — checked before the change is written, or inside its transaction — nothing changes: no
// token, invitation, task change or outbox event. Password-reset mail is counted the same way in its action (per inbox
// and per client address), and the welcome mail by the sign-up limit (one per new address).

type MailPolicy = { sender?: RateLimitPolicyName; recipient?: RateLimitPolicyName; senderRefusal: (wait: string) => string; recipientRefusal: (wait: string) => string };

const mailPolicies = {
  // The recipient is the user's own address: one count (per user) is both.
  verification: {
    sender: "verification-mail",
    senderRefusal: (wait) => `We sent you several verification links already. Check your inbox and spam folder, or try again in ${wait}.`,
    recipientRefusal: (wait) => `Too many emails to this address. Try again in ${wait}.`,
  },
  invitation: {
    sender: "invitation-mail-user",
    recipient: "invitation-mail-recipient",
    senderRefusal: (wait) => `You sent too many invitations recently. Try again in ${wait}.`,
    recipientRefusal: (wait) => `This address has received too many invitations recently. Try again in ${wait}.`,
  },
  "task-assigned": {
    sender: "task-mail-user",
    recipient: "task-mail-recipient",
    senderRefusal: (wait) => `You assigned too many tasks to others recently (each one emails them). Try again in ${wait}, or leave it unassigned for now.`,
    recipientRefusal: (wait) => `This person was emailed about too many assigned tasks recently. Try again in ${wait}, or leave it unassigned for now.`,
  },
  "comment-mention": {
    sender: "mention-mail-user",
    recipient: "mention-mail-recipient",
    senderRefusal: (wait) => `You mentioned too many people recently (each mention emails them). Try again in ${wait}, or post it without the @.`,
    recipientRefusal: (wait) => `This person was emailed about too many mentions recently. Try again in ${wait}, or post it without the @.`,
  },
  // Sent to the user who asked for the report.
  "report-ready": {
    sender: "report-mail",
    senderRefusal: (wait) => `You asked for too many reports recently. Try again in ${wait}.`,
    recipientRefusal: (wait) => `Too many emails to this address. Try again in ${wait}.`,
  },
} satisfies Record<string, MailPolicy>;

export type MailKind = keyof typeof mailPolicies;

/**
 * Counts one mail of `kind` from `senderId` (a user id) to `recipient` (an address or a user id); throws a
 * RateLimitError saying which limit refused it. A refused mail uses none of the other limit's allowance.
 */
export async function enforceMailLimits(kind: MailKind, { senderId, recipient }: { senderId: string; recipient: string }): Promise<void> {
  const policy: MailPolicy = mailPolicies[kind];
  const checks = [
    policy.sender ? { name: policy.sender, id: senderId, refusal: policy.senderRefusal } : null,
    policy.recipient ? { name: policy.recipient, id: recipient, refusal: policy.recipientRefusal } : null,
  ].filter((c) => c !== null);
  const results = await Promise.all(checks.map((c) => checkRateLimit(c.name, c.id)));
  const refused = results.findIndex((r) => !r.success);
  if (refused === -1) return;
  await Promise.all(checks.map((c, i) => (results[i]!.success ? refundRateLimit(c.name, c.id) : null)));
  throw new RateLimitError(results[refused]!.retryAfterSeconds, checks[refused]!.refusal);
}

/** Gives back one mail of `kind` counted by enforceMailLimits (a change refused after it was counted). */
async function refundMailLimits(kind: MailKind, { senderId, recipient }: { senderId: string; recipient: string }): Promise<void> {
  const policy: MailPolicy = mailPolicies[kind];
  await Promise.all([
    policy.sender ? refundRateLimit(policy.sender, senderId) : null,
    policy.recipient ? refundRateLimit(policy.recipient, recipient) : null,
  ]);
}

/**
 * enforceMailLimits for one change that mails several people (a comment mentioning three): when one is refused, the
 * mails already counted for the others are given back, so a refused change uses nobody's allowance.
 */
export async function enforceMailLimitsForEach(kind: MailKind, { senderId, recipients }: { senderId: string; recipients: readonly string[] }): Promise<void> {
  const counted: string[] = [];
  try {
    for (const recipient of recipients) {
      await enforceMailLimits(kind, { senderId, recipient });
      counted.push(recipient);
    }
  } catch (error) {
    await Promise.all(counted.map((recipient) => refundMailLimits(kind, { senderId, recipient })));
    throw error;
  }
}
