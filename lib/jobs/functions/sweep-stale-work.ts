import { getEnv } from "@/lib/env";
import { getJobMode, inngest } from "@/lib/jobs/client";
import { failLostJobRuns } from "@/lib/jobs/job-runs";
import { failStaleReports } from "@/lib/projects/reports";
import { failStaleTaskImports } from "@/lib/projects/task-imports";

// Work whose worker died: an instance killed mid-import (SIGKILL, OOM, a crashed VM) takes its in-process runs with it,
// and their imports and reports would show "running" for ever. Every 5 minutes, those that have not moved for
// JOB_STALE_MINUTES are failed with a message that says what to do. Job runs are swept only with the in-process
// executor: under Inngest a run between steps (waiting, backing off) does not move either, and Inngest ends it itself.
export const sweepStaleWork = inngest.createFunction(
  { id: "sweep-stale-work", triggers: [{ cron: "*/5 * * * *" }], retries: 2, concurrency: { limit: 1 } },
  async ({ step }) => {
    const before = new Date(Date.now() - getEnv().JOB_STALE_MINUTES * 60_000);
    const imports = await step.run("fail stale imports", async () => (await failStaleTaskImports(before)).length);
    const reports = await step.run("fail stale reports", async () => (await failStaleReports(before)).length);
    const runs = await step.run("fail lost job runs", () => (getJobMode() === "local" ? failLostJobRuns(before) : 0));
    return { imports, reports, runs };
  },
);
