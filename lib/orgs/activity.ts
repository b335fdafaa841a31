import { field, type ActivityText } from "@/lib/activity/activity-types";

// The activity lib/orgs records (recordActivity), and how each reads on the dashboard.

declare module "@/lib/activity/activity-types" {
  interface ActivityTypes {
    "org.created": true;
    "org.updated": true;
    "org.deleted": true;
    "org.restored": true;
    "member.joined": true;
    "member.role_changed": true;
    "member.removed": true;
    "invitation.created": true;
    "invitation.revoked": true;
  }
}

export const orgActivityTexts = {
  "org.created": (d) => `created the organization ${field.text(d.name)}`,
  "org.updated": () => "updated the organization settings",
  "org.deleted": () => "scheduled the organization for deletion",
  "org.restored": () => "restored the organization",
  "member.joined": (d) => `joined as ${field.text(d.role)}`,
  "member.role_changed": (d) => `changed a member's role from ${field.text(d.from)} to ${field.text(d.to)}`,
  "member.removed": (d) => (d.left ? "left the organization" : "removed a member"),
  // Members do not see invited addresses (lib/activity/redact-activity.ts).
  "invitation.created": (d) => `invited ${field.text(d.email) || "someone"} as ${field.text(d.role)}`,
  "invitation.revoked": (d) => (d.email ? `withdrew the invitation for ${field.text(d.email)}` : "withdrew an invitation"),
} satisfies Record<string, ActivityText>;
