import { inngest } from "@/lib/jobs/client";
import { recordRunFailed } from "@/lib/jobs/job-runs";

// Every function's final failure (retries exhausted, or a NonRetriableError) arrives here as inngest/function.failed:
// it is recorded in job_runs (status failed, the error), counted (job_runs_total{status="failed"}) and logged at error
// level, which is what the AnatomyJobFailures alert and the operators' Jobs page read.
export const recordJobFailure = inngest.createFunction(
  { id: "record-job-failure", triggers: [{ event: "inngest/function.failed" }], retries: 3 },
  async ({ event, step }) => {
    const data = event.data as {
      function_id: string;
      run_id: string;
      error?: { name?: string; message?: string };
      event?: { id?: string; name?: string; data?: { orgId?: string } };
    };
    await step.run("record", () =>
      recordRunFailed(
        {
          runId: data.run_id,
          // Inngest prefixes function ids with the app id ("anatomy-send-invitation-email").
          functionId: data.function_id.startsWith(`${inngest.id}-`) ? data.function_id.slice(inngest.id.length + 1) : data.function_id,
          eventId: data.event?.id ?? null,
          eventName: data.event?.name ?? "unknown",
          orgId: typeof data.event?.data?.orgId === "string" ? data.event.data.orgId : null,
        },
        data.error ?? {},
      ),
    );
  },
);
