import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { memberships, organizations, users } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import type { Role } from "@/lib/orgs/permissions";
import { createProject } from "@/lib/projects/projects";
import { createTask } from "@/lib/projects/tasks";

// Factories make the rows a test needs; every value is unique so tests can share a real database.

const unique = () => randomUUID().slice(0, 8);

export async function createUser(overrides: Partial<typeof users.$inferInsert> = {}) {
  const [user] = await getDb()
    .insert(users)
    .values({ name: "Test User", email: `user-${unique()}@example.test`, emailVerified: new Date(), ...overrides })
    .returning();
  return user!;
}

export async function createOrg(overrides: Partial<typeof organizations.$inferInsert> = {}) {
  const suffix = unique();
  const [org] = await getDb()
    .insert(organizations)
    .values({ name: `Org ${suffix}`, slug: `org-${suffix}`, ...overrides })
    .returning();
  return org!;
}

export async function addMember(orgId: string, userId: string, role: Role) {
  await getDb().insert(memberships).values({ orgId, userId, role });
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
