import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { memberships, organizations } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { getDb, type Db } from "@/lib/db/client";
import { withTx } from "@/lib/db/transaction";
import { invalidateMemberships } from "@/lib/orgs/membership-cache";
import { parseOrThrow } from "@/lib/errors";
import { createOrganizationInput, slugify } from "@/lib/orgs/schemas";

async function findFreeSlug(db: Db, name: string): Promise<string> {
  const base = slugify(name);
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = attempt === 0 ? base : `${base}-${randomBytes(3).toString("hex")}`;
    const [taken] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, candidate)).limit(1);
    if (!taken) return candidate;
  }
  return `${base}-${randomBytes(6).toString("hex")}`;
}

/** Creates an organization owned by `ownerId`. Any signed-in user may create one. */
export async function createOrganization(
  { ownerId, name }: { ownerId: string; name: string },
  db: Db = getDb(),
): Promise<{ id: string; slug: string; name: string }> {
  const input = parseOrThrow(createOrganizationInput, { name });
  return withTx(async (tx) => {
    // The free slug found above can be taken by a concurrent sign-up before we insert: ON CONFLICT DO NOTHING keeps the
    // transaction usable, and the next attempt adds a random suffix.
    let org: { id: string; slug: string; name: string } | undefined;
    for (let attempt = 0; !org && attempt < 5; attempt++) {
      const slug = attempt === 0 ? await findFreeSlug(tx, input.name) : `${slugify(input.name)}-${randomBytes(4).toString("hex")}`;
      [org] = await tx
        .insert(organizations)
        .values({ name: input.name, slug })
        .onConflictDoNothing({ target: organizations.slug })
        .returning({ id: organizations.id, slug: organizations.slug, name: organizations.name });
    }
    if (!org) throw new Error("Could not allocate an organization slug after 5 attempts.");
    await tx.insert(memberships).values({ orgId: org.id, userId: ownerId, role: "owner" });
    await invalidateMemberships(tx, [ownerId]);
    await recordActivity(tx, {
      orgId: org.id,
      actorId: ownerId,
      type: "org.created",
      subjectType: "organization",
      subjectId: org.id,
      data: { name: input.name },
    });
    return org;
  }, db);
}
