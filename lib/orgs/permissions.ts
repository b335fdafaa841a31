// The role matrix: what each role may do, written once. Every service checks it through requirePermission();
// permissions.test.ts asserts it cell by cell.

export const roles = ["owner", "admin", "member"] as const;
export type Role = (typeof roles)[number];

const everyone = ["owner", "admin", "member"] as const satisfies readonly Role[];
const managers = ["owner", "admin"] as const satisfies readonly Role[];
const ownersOnly = ["owner"] as const satisfies readonly Role[];

export const permissions = {
  "org:read": everyone,
  "org:update": managers,
  "org:delete": ownersOnly,
  "org:transfer-ownership": ownersOnly,
  "billing:manage": ownersOnly,
  "member:list": everyone,
  "member:change-role": managers,
  "member:remove": managers,
  "invitation:list": managers,
  "invitation:create": managers,
  "invitation:revoke": managers,
  "project:read": everyone,
  "project:create": everyone,
  "project:update": managers,
  "project:archive": managers,
  "task:read": everyone,
  "task:create": everyone,
  "task:update": everyone,
  "task:delete": managers,
  "activity:read": everyone,
  "import:create": managers,
  "report:request": everyone,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/**
 * Whether `actorRole` may give `targetCurrentRole` the role `newRole` (or remove it, with newRole undefined).
 * Owners manage anyone; admins manage admins and members but never touch owners or make new owners.
 */
export function canManageRole(actorRole: Role, targetCurrentRole: Role | undefined, newRole?: Role): boolean {
  if (actorRole === "owner") return true;
  if (actorRole !== "admin") return false;
  if (targetCurrentRole === "owner" || newRole === "owner") return false;
  return true;
}

export const roleLabels: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };
