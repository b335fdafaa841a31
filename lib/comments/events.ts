import { z } from "zod";
import { defineEvent } from "@/lib/jobs/define-event";

// The events lib/comments sends through the outbox; their functions are in lib/inngest/functions.

/** One per member a comment newly mentions: each is emailed by a job of their own. */
export const commentMentioned = defineEvent(
  "comments/comment.mentioned",
  z.object({ commentId: z.uuid(), orgId: z.uuid(), userId: z.uuid(), actorId: z.uuid() }),
);
