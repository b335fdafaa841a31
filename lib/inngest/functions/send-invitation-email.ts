import { sendEmail } from "@/lib/email/send-email";
import { invitationMessage } from "@/lib/email/templates";
import { inngest } from "@/lib/jobs/client";
import { invitationCreated } from "@/lib/orgs/events";
import { getInvitationEmail } from "@/lib/orgs/invitations";
import { unseal } from "@/lib/seal";

export const sendInvitationEmail = inngest.createFunction(
  {
    id: "send-invitation-email",
    triggers: [invitationCreated.trigger],
    retries: 6,
    idempotency: "event.id",
    concurrency: { key: "event.data.orgId", limit: 5 },
  },
  async ({ event, step }) => {
    return step.run("send", async () => {
      const invitation = await getInvitationEmail(event.data.invitationId);
      // Withdrawn, replaced, accepted or expired before the mail went out: nothing to send.
      if (!invitation?.isOpen) return { sent: false, reason: "invitation closed" };
      const token = await unseal(event.data.sealedToken);
      await sendEmail(invitationMessage(invitation.email, invitation.orgName, invitation.inviterName, invitation.roleLabel, token));
      return { sent: true };
    });
  },
);
