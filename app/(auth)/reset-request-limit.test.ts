import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLimiter, setRateLimiterForTests } from "@/lib/cache/rate-limit";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import { uniqueEmail } from "@/lib/testing/factories";
import { drainJobs, setEventSenderForTests } from "@/lib/testing/jobs";
import { requestPasswordResetAction } from "./actions";

// The reset-link request is limited per inbox (lib/email/mail-limits.test.ts covers the other mails): the action
// counts it before anything is queued, whoever asks and from wherever.

// The events the requests queue, as the outbox sends them.
let sent: string[] = [];
beforeEach(() => {
  setRateLimiterForTests(createMemoryLimiter());
  sent = [];
  setEventSenderForTests(async (events) => void sent.push(...events.map((e) => e.name)));
});
afterEach(() => {
  setRateLimiterForTests(undefined);
  setEventSenderForTests(undefined);
});

describe("password reset requests", () => {
  it("reset links: one inbox gets a limited number an hour, whoever asks, and the refused request queues nothing", async () => {
    const email = uniqueEmail("reset-inbox");
    const ask = (address: string) => {
      const form = new FormData();
      form.set("email", address);
      return requestPasswordResetAction({ ok: true, data: undefined }, form);
    };
    const queued = async () => {
      await drainJobs();
      return sent.filter((name) => name === "auth/password-reset.submitted").length;
    };
    // Addresses are counted as typed, case and spaces aside.
    for (let i = 0; i < rateLimitPolicies["password-reset-email"].limit; i++) expect(await ask(i % 2 ? email.toUpperCase() : ` ${email}`)).toMatchObject({ ok: true });
    const before = await queued();
    expect(before).toBe(rateLimitPolicies["password-reset-email"].limit);
    const refused = await ask(email);
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many attempts\. Try again in \d+ minutes\.$/) });
    expect(await queued()).toBe(before);
    // Another inbox from the same client address still gets its link.
    expect(await ask(uniqueEmail("reset-other"))).toMatchObject({ ok: true });
    expect(await queued()).toBe(before + 1);
  });
});
