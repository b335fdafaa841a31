import { inngest } from "@/lib/jobs/client";
import { listOrganizationsToPurge, purgeOrganizationBatch } from "@/lib/orgs/purge-organizations";

// Erases organizations whose deletion grace period (ORG_DELETION_GRACE_DAYS) is over, one bounded batch per step
// (lib/orgs/purge-organizations.ts): a failure retries only its batch, and no step runs long. A run stops after
// MAX_BATCHES steps; whatever is left is picked up by the next hourly run, which continues where this one stopped.
export const MAX_BATCHES_PER_RUN = 200;

export const purgeDeletedOrganizations = inngest.createFunction(
  { id: "purge-deleted-organizations", triggers: [{ cron: "TZ=UTC 41 * * * *" }], retries: 3, concurrency: { limit: 1 } },
  async ({ step }) => {
    const orgIds = await step.run("find organizations past their grace period", () => listOrganizationsToPurge({ limit: 20 }));
    const purged: string[] = [];
    let batches = 0;
    for (const orgId of orgIds) {
      for (let n = 1; ; n++) {
        if (batches >= MAX_BATCHES_PER_RUN) return { purged, batches, finished: false };
        batches++;
        const batch = await step.run(`purge ${orgId} batch ${n}`, () => purgeOrganizationBatch({ orgId }));
        if (batch.done) {
          if (batch.deleted > 0) purged.push(orgId);
          break;
        }
      }
    }
    return { purged, batches, finished: true };
  },
);
