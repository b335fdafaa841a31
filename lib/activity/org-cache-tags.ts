// The cache tags of an organization's shared data. Recording an activity event ends them (lib/activity/record-activity.ts):
// every change to org data records one, so a new write path cannot forget to invalidate.

/**
 * The cache tag of an org's aggregates (dashboard counts, activity summary). Every change to org data records an
 * activity event, so recording one is what invalidates them: a new write path cannot forget to.
 */
export function orgDataTag(orgId: string): string {
  return `org-data:${orgId}`;
}

/**
 * The cache tag of an org's member list: only member changes (and a member's profile rename, lib/auth/account.ts) end
 * it. Under the org's data tag, every task write reloaded and re-encoded a thousand members for the next task page.
 */
export function orgMembersTag(orgId: string): string {
  return `org-members:${orgId}`;
}

/** The cache tag of an org's project headers: only project changes end them, not the writes to their tasks. */
export function orgProjectsTag(orgId: string): string {
  return `org-projects:${orgId}`;
}
