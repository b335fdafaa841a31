import "server-only";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { getDb, type Db } from "@/lib/db/client";
import { withTx } from "@/lib/db/transaction";
import { AppError, isUniqueViolation, parseOrThrow } from "@/lib/errors";
import { invalidateOrgMembers } from "@/lib/orgs/membership-cache";
import { requirePermission, type Actor } from "@/lib/orgs/require-permission";
import { updateOrganizationInput } from "@/lib/orgs/schemas";
import { orgPermissions } from "@/lib/orgs/permissions";

export async function updateOrganization(
  { actor, input }: { actor: Actor; input: unknown },
  db: Db = getDb(),
): Promise<{ slug: string }> {
  const { orgId, name, slug } = parseOrThrow(updateOrganizationInput, input);
  await requirePermission(actor, orgId, orgPermissions["org:update"], db);
  try {
    return await withTx(async (tx) => {
      const [org] = await tx
        .update(organizations)
        .set({ name, slug, updatedAt: new Date() })
        .where(eq(organizations.id, orgId))
        .returning({ slug: organizations.slug });
      await invalidateOrgMembers(tx, orgId);
      await recordActivity(tx, {
        orgId,
        actorId: actor.userId,
        type: "org.updated",
        subjectType: "organization",
        subjectId: orgId,
        data: { name, slug },
      });
      return org!;
    }, db);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", "That URL name is taken.", { slug: ["That URL name is taken."] });
    }
    throw error;
  }
}
