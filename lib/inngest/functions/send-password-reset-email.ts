import { getUserContact } from "@/lib/auth/account";
import { sendEmail } from "@/lib/email/send-email";
import { resetPasswordMessage } from "@/lib/email/templates";
import { inngest } from "@/lib/jobs/client";
import { passwordResetRequested } from "@/lib/auth/events";
import { unseal } from "@/lib/seal";

export const sendPasswordResetEmail = inngest.createFunction(
  { id: "send-password-reset-email", triggers: [passwordResetRequested.trigger], retries: 6, idempotency: "event.id" },
  async ({ event, step }) => {
    return step.run("send", async () => {
      const user = await getUserContact(event.data.userId);
      if (!user) return { sent: false, reason: "user deleted" };
      await sendEmail(resetPasswordMessage(user.email, await unseal(event.data.sealedToken)));
      return { sent: true };
    });
  },
);
