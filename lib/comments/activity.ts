import { field, type ActivityText } from "@/lib/activity/activity-types";

// The activity lib/comments records (recordActivity), and how each reads on the dashboard.

declare module "@/lib/activity/activity-types" {
  interface ActivityTypes {
    "comment.created": true;
    "comment.edited": true;
    "comment.deleted": true;
  }
}

export const commentActivityTexts = {
  "comment.created": (d) => `commented on the task “${field.text(d.title)}”`,
  "comment.edited": (d) => `edited a comment on the task “${field.text(d.title)}”`,
  "comment.deleted": (d) => `deleted a comment on the task “${field.text(d.title)}”`,
} satisfies Record<string, ActivityText>;
