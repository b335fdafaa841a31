import { definePermissions, everyone, managers } from "@/lib/orgs/permissions";

// What each role may do with projects and tasks.
export const projectPermissions = definePermissions({
  "project:read": everyone,
  "project:create": everyone,
  "project:update": managers,
  "project:archive": managers,
  "task:read": everyone,
  "task:create": everyone,
  "task:update": everyone,
  "task:delete": managers,
});
