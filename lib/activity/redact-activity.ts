import "server-only";
import { can, type Role, orgPermissions } from "@/lib/orgs/permissions";

// Invitations are for managers (the "invitation:list" permission): the addresses they went to are personal data of
// people who are not members (yet, or ever). The activity feed is read by every member, so the events keep their
// type, actor and role, and lose the address for readers who may not list invitations. The feed is cached per org,
// shared by every role: redaction happens on the way out, after the cache.
const managerOnlyFields: Readonly<Record<string, readonly string[]>> = {
  "invitation.created": ["email"],
  "invitation.revoked": ["email"],
};

export function canSeeInvitationDetails(role: Role | null): boolean {
  return role !== null && can(role, orgPermissions["invitation:list"]);
}

/** The event's data as `role` may see it (null: a reader with no role, e.g. a report any member can download). */
export function redactActivityData(type: string, data: Record<string, unknown>, role: Role | null): Record<string, unknown> {
  const hidden = managerOnlyFields[type];
  if (!hidden || canSeeInvitationDetails(role)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !hidden.includes(key)));
}

export function redactActivityItems<T extends { type: string; data: Record<string, unknown> }>(items: T[], role: Role | null): T[] {
  return items.map((item) => ({ ...item, data: redactActivityData(item.type, item.data, role) }));
}
