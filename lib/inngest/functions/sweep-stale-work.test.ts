import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobRuns, reports, taskImports } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { sweepStaleWork } from "@/lib/inngest/functions/sweep-stale-work";
import { startReport } from "@/lib/data-transfers/reports";
import { prepareTaskImport } from "@/lib/data-transfers/task-imports";
import { createOrgWithRoles, createProjectFor } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";

// An instance killed mid-import leaves its import "running" and its job run "running": the sweeper fails what has not
// moved for JOB_STALE_MINUTES (30 by default) and leaves alone what is moving or finished.

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

function run() {
  return new InngestTestEngine({ function: sweepStaleWork }).execute({ events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }] });
}

describe("sweep-stale-work", () => {
  it("fails imports, reports and job runs that stopped moving, and only those", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.owner.userId);
    const base = { orgId: org.id, projectId: project.id, requestedById: actors.owner.userId, fileName: "tasks.csv" };
    const imports = await getDb()
      .insert(taskImports)
      .values([
        { ...base, status: "running", processedRows: 250, updatedAt: minutesAgo(45) }, // its worker died after a chunk
        { ...base, status: "queued", updatedAt: minutesAgo(40) }, // its event died with the process
        { ...base, status: "running", updatedAt: minutesAgo(2) }, // moving
        { ...base, status: "completed", updatedAt: minutesAgo(90), finishedAt: minutesAgo(90) },
      ])
      .returning({ id: taskImports.id });
    const reportRows = await getDb()
      .insert(reports)
      .values([
        { orgId: org.id, requestedById: actors.owner.userId, kind: "tasks", status: "running", updatedAt: minutesAgo(31) },
        { orgId: org.id, requestedById: actors.owner.userId, kind: "tasks", status: "running", updatedAt: minutesAgo(5) },
      ])
      .returning({ id: reports.id });
    const lostRun = `lost-${randomUUID()}`;
    const liveRun = `live-${randomUUID()}`;
    await getDb()
      .insert(jobRuns)
      .values([
        { runId: lostRun, functionId: `${appConfig.id}-import-tasks`, eventName: "projects/task-import.requested", orgId: org.id, status: "running", startedAt: minutesAgo(50), updatedAt: minutesAgo(50) },
        { runId: liveRun, functionId: `${appConfig.id}-import-tasks`, eventName: "projects/task-import.requested", orgId: org.id, status: "running", startedAt: minutesAgo(1), updatedAt: minutesAgo(1) },
      ]);

    const { result } = await run();
    expect(result).toMatchObject({ imports: expect.any(Number), reports: expect.any(Number), runs: expect.any(Number) });

    const importStatus = await getDb().select({ id: taskImports.id, status: taskImports.status, failureReason: taskImports.failureReason, processedRows: taskImports.processedRows }).from(taskImports).where(inArray(taskImports.id, imports.map((i) => i.id)));
    const byId = new Map(importStatus.map((i) => [i.id, i]));
    expect(byId.get(imports[0]!.id)).toMatchObject({ status: "failed", processedRows: 250, failureReason: expect.stringMatching(/^Interrupted: .*Import the file again/) });
    expect(byId.get(imports[1]!.id)?.status).toBe("failed");
    expect(byId.get(imports[2]!.id)?.status).toBe("running");
    expect(byId.get(imports[3]!.id)?.status).toBe("completed");

    const reportStatus = await getDb().select({ id: reports.id, status: reports.status, failureReason: reports.failureReason }).from(reports).where(inArray(reports.id, reportRows.map((r) => r.id)));
    expect(reportStatus.find((r) => r.id === reportRows[0]!.id)).toMatchObject({ status: "failed", failureReason: expect.stringContaining("Request the report again") });
    expect(reportStatus.find((r) => r.id === reportRows[1]!.id)?.status).toBe("running");

    const [lost] = await getDb().select().from(jobRuns).where(eq(jobRuns.runId, lostRun));
    const [live] = await getDb().select().from(jobRuns).where(eq(jobRuns.runId, liveRun));
    expect(lost).toMatchObject({ status: "failed", error: expect.stringContaining("Lost"), finishedAt: expect.any(Date) });
    expect(live?.status).toBe("running");

    // A run that was only slow, not dead, and comes back later cannot revive what the user was told to redo.
    await expect(prepareTaskImport(imports[0]!.id)).rejects.toThrow(/failed meanwhile/);
    await expect(startReport(reportRows[0]!.id)).rejects.toThrow(/failed meanwhile/);

    // A second sweep finds nothing more of these.
    await run();
    const [again] = await getDb().select({ finishedAt: taskImports.finishedAt }).from(taskImports).where(eq(taskImports.id, imports[2]!.id));
    expect(again?.finishedAt).toBeNull();
  });

  it("an import's progress moves its updated_at, so a long import that keeps working is never swept", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.owner.userId);
    const [row] = await getDb()
      .insert(taskImports)
      .values({ orgId: org.id, projectId: project.id, requestedById: actors.owner.userId, fileName: "big.csv", status: "running", updatedAt: minutesAgo(29) })
      .returning({ id: taskImports.id });
    await getDb().update(taskImports).set({ processedRows: 500 }).where(eq(taskImports.id, row!.id)); // a chunk applied
    const [moved] = await getDb().select({ updatedAt: taskImports.updatedAt }).from(taskImports).where(eq(taskImports.id, row!.id));
    expect(Date.now() - moved!.updatedAt.getTime()).toBeLessThan(60_000);
  });
});
