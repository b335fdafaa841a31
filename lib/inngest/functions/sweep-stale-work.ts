import { getEnv } from "@/lib/env";
import { getJobMode, inngest } from "@/lib/jobs/client";
import { failLostJobRuns } from "@/lib/jobs/job-runs";
import { failStaleReports } from "@/lib/data-transfers/reports";
import { failStaleTaskImports } from "@/lib/data-transfers/task-imports";

// Work whose worker died. With the in-process executor a run lives in its process's memory: an instance killed
// mid-import (SIGKILL, OOM, a crashed VM) takes it along, and its import or report would show "running" for ever.
// Every minute, those that have not moved for JOB_STALE_MINUTES are failed with a message that says what to do, and
// so are the job runs left "running". Under Inngest nothing is swept: a run survives its instance (Inngest retries the
// step elsewhere), an event waits in Inngest or the outbox, and a run that fails for good is failed by its onFailure.
// The job steps refuse to revive a failed import or report, so a late run cannot undo the sweep.
export const sweepStaleWork = inngest.createFunction(
  { id: "sweep-stale-work", triggers: [{ cron: "* * * * *" }], retries: 2, concurrency: { limit: 1 } },
  async ({ step }) => {
    if (getJobMode() !== "local") return { imports: 0, reports: 0, runs: 0, skipped: "runs are Inngest's" };
    const before = new Date(Date.now() - getEnv().JOB_STALE_MINUTES * 60_000);
    const imports = await step.run("fail stale imports", async () => (await failStaleTaskImports(before)).length);
    const reports = await step.run("fail stale reports", async () => (await failStaleReports(before)).length);
    const runs = await step.run("fail lost job runs", () => failLostJobRuns(before));
    return { imports, reports, runs };
  },
);
