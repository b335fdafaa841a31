import { field, type ActivityText } from "@/lib/activity/activity-types";

// The activity lib/projects records (recordActivity), and how each reads on the dashboard.

declare module "@/lib/activity/activity-types" {
  interface ActivityTypes {
    "project.created": true;
    "project.renamed": true;
    "project.archived": true;
    "project.unarchived": true;
    "task.created": true;
    "task.updated": true;
    "task.deleted": true;
  }
}

export const projectActivityTexts = {
  "project.created": (d) => `created the project ${field.text(d.name)}`,
  "project.renamed": (d) => `renamed the project ${field.text(d.from)} to ${field.text(d.to)}`,
  "project.archived": (d) => `archived the project ${field.text(d.name)}`,
  "project.unarchived": (d) => `restored the project ${field.text(d.name)}`,
  "task.created": (d) => `created the task “${field.text(d.title)}”`,
  "task.updated": (d) => `updated the task “${field.text(d.title)}”`,
  "task.deleted": (d) => `deleted the task “${field.text(d.title)}”`,
} satisfies Record<string, ActivityText>;
