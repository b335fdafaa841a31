import { dropExpiredActivityPartitions } from "@/lib/activity/partitions";
import { getDb } from "@/lib/db/client";
import { ensureActivityPartitions } from "@/lib/db/activity-partitions";
import { purgeUnusableTokens } from "@/lib/auth/account";
import { purgeExpiredRevokedSessions } from "@/lib/auth/revoked-sessions";
import { getEnv } from "@/lib/env";
import { inngest } from "@/lib/jobs/client";
import { deleteCronTicksBefore } from "@/lib/jobs/cron-ticks";
import { deleteJobRunsBefore } from "@/lib/jobs/job-runs";
import { deleteDispatchedOutboxEvents } from "@/lib/jobs/outbox";
import { purgeClosedInvitations } from "@/lib/orgs/invitations";
import { deleteExpiredFiles } from "@/lib/storage/file-store";

const DAY = 24 * 3600 * 1000;

// Nightly housekeeping, one step per concern so a failure retries only its own part: activity partitions created two
// months ahead and dropped past the retention (ACTIVITY_RETENTION_DAYS), dead link tokens, closed invitations and
// records of signed-out sessions past their end purged, and the jobs' own bookkeeping (dispatched outbox rows, old job
// runs, expired generated files) trimmed. Deleted organizations have their own hourly job (purge-deleted-organizations).
export const maintainDatabase = inngest.createFunction(
  { id: "maintain-database", triggers: [{ cron: "TZ=UTC 17 3 * * *" }], retries: 3, concurrency: { limit: 1 } },
  async ({ step }) => {
    const created = await step.run("create upcoming activity partitions", () => ensureActivityPartitions(getDb()));
    const dropped = await step.run("drop activity partitions past retention", () =>
      dropExpiredActivityPartitions({ retentionDays: getEnv().ACTIVITY_RETENTION_DAYS }),
    );
    const tokens = await step.run("purge unusable tokens", () => purgeUnusableTokens());
    const invitations = await step.run("purge closed invitations", () => purgeClosedInvitations());
    const revokedSessions = await step.run("purge records of ended sessions", () => purgeExpiredRevokedSessions());
    const bookkeeping = await step.run("trim job bookkeeping", async () => {
      const now = Date.now();
      return {
        outbox: await deleteDispatchedOutboxEvents({ before: new Date(now - 7 * DAY) }),
        jobRuns: await deleteJobRunsBefore(new Date(now - 30 * DAY)),
        cronTicks: await deleteCronTicksBefore(new Date(now - DAY)),
        files: await deleteExpiredFiles(new Date(now)),
      };
    });
    return { partitionsCreated: created, partitionsDropped: dropped, tokens, invitations, revokedSessions, ...bookkeeping };
  },
);
