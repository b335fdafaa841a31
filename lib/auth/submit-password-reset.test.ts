import { afterEach, describe, expect, it, vi } from "vitest";
import { requestPasswordReset } from "@/lib/auth/account";
import { submitPasswordReset } from "@/lib/auth/submit-password-reset";
import { resetEnvForTests } from "@/lib/env";
import { createUser, mailTo, uniqueEmail } from "@/lib/testing/factories";
import { drainJobs } from "@/lib/testing/jobs";

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median time of `fn` for a known and an unknown address, interleaved so drift in the machine's load hits both. */
async function timings(fn: (email: string) => Promise<unknown>, knownEmail: string, rounds = 40) {
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 5; i++) await Promise.all([fn(knownEmail), fn(uniqueEmail("warm"))]);
  for (let i = 0; i < rounds; i++) {
    for (const [email, into] of i % 2 ? ([[knownEmail, known], [uniqueEmail("nobody"), unknown]] as const) : ([[uniqueEmail("nobody"), unknown], [knownEmail, known]] as const)) {
      const start = performance.now();
      await fn(email);
      into.push(performance.now() - start);
    }
  }
  return { known: median(known), unknown: median(unknown) };
}

// Medians within 40% (or 2 ms on a very fast machine) of each other. Measured here: about 46 ms both ways (the medians
// wander by 10% with the machine's load), against 39 and 6 ms when the request looked the address up itself. A
// difference inside the bound is noise an attacker cannot average away in the tries the limits allow (20 an hour per
// client address, 5 per inbox).
const comparable = ({ known, unknown }: { known: number; unknown: number }) => Math.abs(known - unknown) <= Math.max(2, 0.4 * Math.min(known, unknown));

describe("asking for a password reset", () => {
  it("emails a link to an address with an account, and nothing to one without, with the same (empty) answer", async () => {
    const user = await createUser({ email: uniqueEmail("has-account") });
    const stranger = uniqueEmail("no-account");
    await expect(submitPasswordReset({ input: { email: user.email.toUpperCase() } })).resolves.toBeUndefined();
    await expect(submitPasswordReset({ input: { email: stranger } })).resolves.toBeUndefined();
    await drainJobs();
    const mail = await mailTo(user.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toMatch(/\/reset-password\?token=/);
    expect(await mailTo(stranger)).toEqual([]);
  });

  it("refuses a malformed address with a field error", async () => {
    await expect(submitPasswordReset({ input: { email: "not an address" } })).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { email: expect.any(Array) } });
  });

  it("takes the same time whether or not the address has an account", async () => {
    // Only the request is timed (the job runs elsewhere in production): leave the events in the outbox.
    vi.stubEnv("ANATOMY_JOB_DISPATCH", "0");
    resetEnvForTests();
    const user = await createUser({ email: uniqueEmail("timed") });
    const submit = await timings((email) => submitPasswordReset({ input: { email } }), user.email);
    expect(comparable(submit), `known ${submit.known.toFixed(2)} ms, unknown ${submit.unknown.toFixed(2)} ms`).toBe(true);
    // The same measurement tells the addresses apart when the request does the lookup and the issuing itself (as it
    // did before): the bound is tight enough to catch the leak this test is about.
    const direct = await timings((email) => requestPasswordReset({ input: { email } }), user.email);
    expect(comparable(direct), `known ${direct.known.toFixed(2)} ms, unknown ${direct.unknown.toFixed(2)} ms`).toBe(false);
  });
});
