import { definePermissions, everyone } from "@/lib/orgs/permissions";

// Who may read an organization's activity (what each reader sees of it: redact-activity.ts).
export const activityPermissions = definePermissions({
  "activity:read": everyone,
});
