import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobRuns } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { recordRunStarted } from "@/lib/jobs/job-runs";
import { recordJobFailure } from "@/lib/inngest/functions/record-job-failure";
import { createOrg } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";

function run(data: Record<string, unknown>) {
  return new InngestTestEngine({ function: recordJobFailure }).execute({ events: [{ name: "inngest/function.failed", data }] });
}

async function jobRun(runId: string) {
  return getDb().select().from(jobRuns).where(eq(jobRuns.runId, runId));
}

describe("record-job-failure", () => {
  it("records the failed run: status failed, the error, the function id without the app prefix, the event and org", async () => {
    const org = await createOrg();
    const runId = `01J${randomUUID()}`;
    const eventId = randomUUID();

    const { error } = await run({
      function_id: `${appConfig.id}-send-invitation-email`,
      run_id: runId,
      error: { name: "Error", message: "SMTP 421: too many connections" },
      event: { id: eventId, name: "orgs/invitation.created", data: { orgId: org.id, invitationId: randomUUID() } },
    });

    expect(error).toBeUndefined();
    const rows = await jobRun(runId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      functionId: "send-invitation-email",
      status: "failed",
      error: "Error: SMTP 421: too many connections",
      eventId,
      eventName: "orgs/invitation.created",
      orgId: org.id,
      finishedAt: expect.any(Date),
    });
  });

  it("turns the run's existing row (started, retried) into a failed one instead of adding another", async () => {
    const runId = `01J${randomUUID()}`;
    await recordRunStarted({ runId, functionId: "import-tasks", eventId: "e1", eventName: "projects/task-import.requested", orgId: null });

    await run({
      function_id: `${appConfig.id}-import-tasks`,
      run_id: runId,
      error: { name: "NonRetriableError", message: "The uploaded file is gone." },
      event: { id: "e1", name: "projects/task-import.requested", data: {} },
    });

    const rows = await jobRun(runId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ functionId: "import-tasks", status: "failed", error: "NonRetriableError: The uploaded file is gone.", finishedAt: expect.any(Date) });
  });

  it("records a failure that carries no error details or event (cron functions)", async () => {
    const runId = `01J${randomUUID()}`;

    await run({ function_id: `${appConfig.id}-maintain-database`, run_id: runId });

    expect(await jobRun(runId)).toEqual([
      expect.objectContaining({ functionId: "maintain-database", status: "failed", error: "Error: unknown error", eventName: "unknown", eventId: null, orgId: null }),
    ]);
  });
});
