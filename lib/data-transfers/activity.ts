import { field, type ActivityText } from "@/lib/activity/activity-types";

// The activity lib/data-transfers records (recordActivity), and how each reads on the dashboard.

declare module "@/lib/activity/activity-types" {
  interface ActivityTypes {
    "tasks.imported": true;
    "report.requested": true;
  }
}

export const dataTransferActivityTexts = {
  "tasks.imported": (d) => {
    const skipped = Number(d.errors ?? 0);
    const skippedText = skipped ? ` (${field.count(skipped)} ${skipped === 1 ? "row" : "rows"} skipped)` : "";
    return `imported ${field.count(d.created)} new and ${field.count(d.updated)} updated tasks from ${field.text(d.fileName)}${skippedText}`;
  },
  "report.requested": (d) => (d.kind === "activity" ? "requested an activity report" : "requested a tasks report"),
} satisfies Record<string, ActivityText>;
