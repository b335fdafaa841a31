// Roles, and what each may do in the organization. Every module declares its own permissions (definePermissions);
// every service checks them through requirePermission(); permissions.test.ts asserts the whole matrix cell by cell.

export const roles = ["owner", "admin", "member"] as const;
export type Role = (typeof roles)[number];

export const everyone = ["owner", "admin", "member"] as const satisfies readonly Role[];
export const managers = ["owner", "admin"] as const satisfies readonly Role[];
export const ownersOnly = ["owner"] as const satisfies readonly Role[];

/** A permission: its name, and the roles that have it. Services check one with requirePermission(), pages with can(). */
export type Permission = { readonly key: string; readonly roles: readonly Role[] };

/**
 * A module's permissions, declared in its own permissions.ts (lib/projects/permissions.ts, …): `{ "task:delete":
 * managers }` becomes `{ "task:delete": { key: "task:delete", roles: managers } }`, which services and pages pass
 * around. permissions.test.ts writes out the whole matrix, every module's, cell by cell.
 */
export function definePermissions<const T extends Record<string, readonly Role[]>>(table: T): { readonly [K in keyof T & string]: { key: K; roles: T[K] } } {
  return Object.fromEntries(Object.entries(table).map(([key, roles]) => [key, { key, roles }])) as { readonly [K in keyof T & string]: { key: K; roles: T[K] } };
}

/** The organization's own permissions: its settings, its members, its invitations. */
export const orgPermissions = definePermissions({
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
});

export function can(role: Role, permission: Permission): boolean {
  return permission.roles.includes(role);
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
