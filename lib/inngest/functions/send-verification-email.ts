import { getUserContact } from "@/lib/auth/account";
import { sendEmail } from "@/lib/email/send-email";
import { verifyEmailMessage } from "@/lib/email/templates";
import { inngest } from "@/lib/jobs/client";
import { verificationEmailRequested } from "@/lib/auth/events";
import { unseal } from "@/lib/seal";

/** The welcome/verification email of a sign-up, or a re-sent verification link. */
export const sendVerificationEmail = inngest.createFunction(
  {
    id: "send-verification-email",
    triggers: [verificationEmailRequested.trigger],
    retries: 6,
    // One email per outbox event, whatever re-dispatch or replay happens.
    idempotency: "event.id",
  },
  async ({ event, step }) => {
    return step.run("send", async () => {
      const user = await getUserContact(event.data.userId);
      if (!user) return { sent: false, reason: "user deleted" };
      // A resend for an address verified meanwhile is moot; the welcome mail still goes out.
      if (user.emailVerified && !event.data.welcome) return { sent: false, reason: "already verified" };
      await sendEmail(verifyEmailMessage(user.email, user.name, await unseal(event.data.sealedToken)));
      return { sent: true };
    });
  },
);
