import { commentMentionMessage } from "@/lib/comments/emails";
import { commentMentioned } from "@/lib/comments/events";
import { getMentionEmail } from "@/lib/comments/comments";
import { sendEmail } from "@/lib/email/send-email";
import { inngest } from "@/lib/jobs/client";

/**
 * Emails one member a comment mentions. One event per (comment, member) newly mentioned, and one run per event,
 * whatever retries or outbox re-sends happen (the outbox sends an event again under its id).
 */
export const notifyMentionedMember = inngest.createFunction(
  {
    id: "notify-mentioned-member",
    triggers: [commentMentioned.trigger],
    retries: 4,
    idempotency: "event.id",
    concurrency: { key: "event.data.orgId", limit: 10 },
  },
  async ({ event, step }) => {
    return step.run("send", async () => {
      const mention = await getMentionEmail(event.data);
      // Deleted, edited to mention someone else, or they left the org before the mail went out: nothing to say.
      if (!mention) return { sent: false };
      await sendEmail(
        commentMentionMessage(
          mention.recipientEmail,
          mention.actorName ?? "A teammate",
          mention.title,
          mention.body,
          `/${mention.orgSlug}/projects/${mention.projectId}/tasks/${mention.taskId}`,
        ),
      );
      return { sent: true };
    });
  },
);
