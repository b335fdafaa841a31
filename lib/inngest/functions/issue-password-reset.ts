import { requestPasswordReset } from "@/lib/auth/account";
import { inngest } from "@/lib/jobs/client";
import { passwordResetSubmitted } from "@/lib/auth/events";
import { unseal } from "@/lib/seal";

/** A reset link was asked for an address: if it has an account, issue the link (its email is a job of its own). */
export const issuePasswordReset = inngest.createFunction(
  { id: "issue-password-reset", triggers: [passwordResetSubmitted.trigger], retries: 6, idempotency: "event.id" },
  async ({ event, step }) => {
    return step.run("issue", async () => {
      const { token } = await requestPasswordReset({ input: { email: await unseal(event.data.sealedEmail) } });
      return { issued: token !== undefined };
    });
  },
);
