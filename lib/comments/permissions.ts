import { definePermissions, everyone, managers } from "@/lib/orgs/permissions";

// What each role may do with comments on tasks. Editing is its author's alone, and deleting too, except for managers,
// who may delete anyone's (comments.ts checks the author).
export const commentPermissions = definePermissions({
  "comment:read": everyone,
  "comment:create": everyone,
  "comment:delete-any": managers,
});
