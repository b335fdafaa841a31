import { definePermissions, everyone, managers } from "@/lib/orgs/permissions";

// Who may import tasks from a file and request reports (the Data page).
export const dataTransferPermissions = definePermissions({
  "import:create": managers,
  "report:request": everyone,
});
