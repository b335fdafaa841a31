import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { memberships, organizations } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { getDb, type Db } from "@/lib/db/client";
import { withTx } from "@/lib/db/transaction";
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
    const slug = await findFreeSlug(tx, input.name);
    const [org] = await tx
      .insert(organizations)
      .values({ name: input.name, slug })
      .returning({ id: organizations.id, slug: organizations.slug, name: organizations.name });
    await tx.insert(memberships).values({ orgId: org!.id, userId: ownerId, role: "owner" });
    await recordActivity(tx, {
      orgId: org!.id,
      actorId: ownerId,
      type: "org.created",
      subjectType: "organization",
      subjectId: org!.id,
      data: { name: input.name },
    });
    return org!;
  }, db);
}
