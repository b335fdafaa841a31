import { randomUUID } from "node:crypto";
import { and, asc, eq, getTableColumns, getTableName, is, sql } from "drizzle-orm";
import { PgTable, type AnyPgColumn } from "drizzle-orm/pg-core";
import * as schema from "@/db/schema";
import { orgDataTag, orgMembersTag } from "@/lib/activity/org-cache-tags";
import { invalidateCacheTags } from "@/lib/cache/define-cache";
import { invalidateMemberships } from "@/lib/orgs/membership-cache";
import { drainJobs } from "@/lib/testing/jobs";
import { activityEvents, invitations, mailMessages, memberships, organizations, projects, tasks, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { getDb } from "@/lib/db/client";
import { createInvitation } from "@/lib/orgs/invitations";
import type { Role } from "@/lib/orgs/permissions";
import { createProject } from "@/lib/projects/projects";
import { createTask } from "@/lib/projects/tasks";

// Factories make the rows a test needs; every value is unique so tests can share a real database.

export const unique = () => randomUUID().slice(0, 8);

export const uniqueEmail = (prefix = "user") => `${prefix}-${unique()}@example.test`;

export async function createUser(overrides: Partial<typeof users.$inferInsert> = {}) {
  const [user] = await getDb()
    .insert(users)
    .values({ name: "Test User", email: uniqueEmail(), emailVerified: new Date(), ...overrides })
    .returning();
  return user!;
}

/** A user who can sign in with `password` (argon2-hashed like a real sign-up). */
export async function createUserWithPassword(password: string, overrides: Partial<typeof users.$inferInsert> = {}) {
  return createUser({ passwordHash: await hashPassword(password), ...overrides });
}

/** Gives an existing user (a factory owner, say) a password, for services that re-authenticate. */
export async function setUserPassword(userId: string, password: string) {
  await getDb().update(users).set({ passwordHash: await hashPassword(password) }).where(eq(users.id, userId));
}

export async function createOrg(overrides: Partial<typeof organizations.$inferInsert> = {}) {
  const suffix = unique();
  const [org] = await getDb()
    .insert(organizations)
    .values({ name: `Org ${suffix}`, slug: `org-${suffix}`, ...overrides })
    .returning();
  return org!;
}

export async function addMember(orgId: string, userId: string, role: Role, createdAt?: Date) {
  await getDb().insert(memberships).values({ orgId, userId, role, createdAt });
  // Written behind the services' back: drop what the cache may hold for this user and the org, as the services do.
  await invalidateMemberships(getDb(), [userId]);
  await invalidateCacheTags([orgMembersTag(orgId), orgDataTag(orgId)]);
}

/** An org with one user of each role. */
export async function createOrgWithRoles() {
  const org = await createOrg();
  const owner = await createUser({ name: "Olivia Owner" });
  const admin = await createUser({ name: "Adam Admin" });
  const member = await createUser({ name: "Mia Member" });
  await addMember(org.id, owner.id, "owner");
  await addMember(org.id, admin.id, "admin");
  await addMember(org.id, member.id, "member");
  return { org, owner, admin, member, actors: { owner: { userId: owner.id }, admin: { userId: admin.id }, member: { userId: member.id } } };
}

export async function createProjectFor(orgId: string, userId: string, name = `Project ${unique()}`) {
  return createProject({ actor: { userId }, input: { orgId, name } });
}

export async function createTaskFor(orgId: string, projectId: string, userId: string, title = `Task ${unique()}`) {
  return createTask({ actor: { userId }, input: { orgId, projectId, title } });
}

export async function getMembershipRole(orgId: string, userId: string) {
  const rows = await getDb().select().from(memberships).where(eq(memberships.orgId, orgId));
  return rows.find((r) => r.userId === userId)?.role;
}

/** An open invitation sent by `inviterId`; returns the raw token that the email carries. */
export async function createInvitationFor(orgId: string, inviterId: string, email = uniqueEmail("invitee"), role: Role = "member") {
  const invitation = await createInvitation({ actor: { userId: inviterId }, input: { orgId, email, role } });
  return { ...invitation, email };
}

// Probes: read back what a service wrote, scoped to one test's rows so they work on a shared database.

export async function getUserByEmail(email: string) {
  const [user] = await getDb().select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return user;
}

export async function getUserById(userId: string) {
  const [user] = await getDb().select().from(users).where(eq(users.id, userId));
  return user;
}

/** Messages in the dev mailbox addressed to `email`, oldest first. */
/** The mail sent to `email`, oldest first, once the queued email jobs have run. */
export async function mailTo(email: string) {
  await drainJobs();
  return getDb().select().from(mailMessages).where(eq(mailMessages.to, email)).orderBy(asc(mailMessages.createdAt));
}

/** The org's activity events, oldest first. */
export async function activityOf(orgId: string) {
  return getDb()
    .select()
    .from(activityEvents)
    .where(eq(activityEvents.orgId, orgId))
    .orderBy(asc(activityEvents.createdAt));
}

export async function getInvitationRow(invitationId: string) {
  const [row] = await getDb().select().from(invitations).where(eq(invitations.id, invitationId));
  return row;
}

export async function getProjectRow(projectId: string) {
  const [row] = await getDb().select().from(projects).where(eq(projects.id, projectId));
  return row;
}

export async function getTaskRow(taskId: string) {
  const [row] = await getDb().select().from(tasks).where(eq(tasks.id, taskId));
  return row;
}

export async function getOrgRow(orgId: string) {
  const [row] = await getDb().select().from(organizations).where(eq(organizations.id, orgId));
  return row;
}

export async function isMember(orgId: string, userId: string) {
  const rows = await getDb()
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return rows.length > 0;
}

/** Everything an org owns, for asserting that a refused call changed nothing. */
// Bookkeeping that jobs of earlier tests may still be updating: not the org's data.
const notOrgData = new Set(["outbox_events", "job_runs"]);

/**
 * Every row of the org's data: the org, and each table of the schema with an `org_id` column (a new module's tables
 * included, without a line here), sorted so two snapshots compare equal when nothing changed.
 */
export async function snapshotOrg(orgId: string) {
  const db = getDb();
  const snapshot: Record<string, unknown> = { org: await getOrgRow(orgId) };
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable) || notOrgData.has(getTableName(table))) continue;
    const orgColumn = (getTableColumns(table) as Record<string, AnyPgColumn | undefined>).orgId;
    if (!orgColumn) continue;
    const rows = await db.select().from(table).where(eq(orgColumn, orgId));
    snapshot[getTableName(table)] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
