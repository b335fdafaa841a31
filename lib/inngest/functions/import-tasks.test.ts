import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { asc, eq, sql } from "drizzle-orm";
import type { InngestFunction } from "inngest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskImportRows, taskImports, tasks } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { taskImportRequested } from "@/lib/data-transfers/events";
import { importTasks } from "@/lib/inngest/functions/import-tasks";
import { settleDispatches, type OutboxEvent } from "@/lib/jobs/outbox";
import { CHUNK_ROWS, createTaskImport, failTaskImport, finishTaskImport, importTaskChunk, prepareTaskImport } from "@/lib/data-transfers/task-imports";
import { activityOf, createOrgWithRoles, createProjectFor } from "@/lib/testing/factories";
import { drainJobs, setEventSenderForTests } from "@/lib/testing/jobs";
import { appConfig } from "@/lib/app-config";

// The import job run on its own (@inngest/test) against a real upload (createTaskImport stores the CSV). The event the
// upload queues is captured, not run, so the in-process executor does not import the same file in the background.

let queued: OutboxEvent[] = [];
beforeEach(() => {
  queued = [];
  setEventSenderForTests(async (events) => {
    queued.push(...events);
  });
});
afterEach(() => setEventSenderForTests(undefined));

async function setup() {
  const ctx = await createOrgWithRoles();
  const project = await createProjectFor(ctx.org.id, ctx.owner.id);
  return { ...ctx, project };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

async function upload(ctx: Ctx, csv: string, { name = "tasks.csv", projectId = ctx.project.id } = {}) {
  const { importId } = await createTaskImport({
    actor: { userId: ctx.owner.id },
    input: { orgId: ctx.org.id, projectId },
    file: { name, contentType: "text/csv", data: Buffer.from(csv) },
  });
  return importId;
}

function importEvent(importId: string, orgId: string) {
  return { id: randomUUID(), name: taskImportRequested.name, data: { importId, orgId } };
}

function runImport(importId: string, orgId: string) {
  return new InngestTestEngine({ function: importTasks }).execute({ events: [importEvent(importId, orgId)] });
}

/** The function's onFailure handler, run as Inngest runs it: on inngest/function.failed for this function. */
function runFailureHandler(importId: string, orgId: string, error: { name: string; message: string }) {
  // @inngest/test only runs the main handler; the engine picks the onFailure handler when handlerKind is "failure".
  const fn = importTasks as unknown as { createExecution(opts: { partialOptions: Record<string, unknown> }): unknown };
  const failureFn = Object.create(importTasks, {
    createExecution: { value: (opts: { partialOptions: Record<string, unknown> }) => fn.createExecution({ partialOptions: { ...opts.partialOptions, handlerKind: "failure" } }) },
  }) as InngestFunction.Like;
  return new InngestTestEngine({ function: failureFn }).execute({
    events: [
      {
        name: "inngest/function.failed",
        data: { function_id: `${appConfig.id}-import-tasks`, run_id: randomUUID(), error, event: importEvent(importId, orgId) },
      },
    ],
  });
}

async function importRow(importId: string) {
  const [row] = await getDb().select().from(taskImports).where(eq(taskImports.id, importId));
  return row!;
}

async function tasksOf(projectId: string) {
  return getDb().select().from(tasks).where(eq(tasks.projectId, projectId)).orderBy(asc(tasks.title));
}

const statuses = ["todo", "In progress", "done"] as const;

function bigCsv(rows: number, { assigneeEmail }: { assigneeEmail: string }) {
  const lines = ["Title,Status,Due,Assignee"];
  for (let i = 1; i <= rows; i++) {
    const due = `2027-01-${String((i % 28) + 1).padStart(2, "0")}`;
    lines.push(`Task ${String(i).padStart(4, "0")},${statuses[i % 3]},${due},${i % 10 === 0 ? assigneeEmail.toUpperCase() : ""}`);
  }
  return lines.join("\n") + "\n";
}

describe("import-tasks", () => {
  it("imports every row of a file of three chunks, completes with the right counts and records the import", async () => {
    const ctx = await setup();
    const rows = 2 * CHUNK_ROWS + 100;
    const importId = await upload(ctx, bigCsv(rows, { assigneeEmail: ctx.member.email }));
    await settleDispatches();
    // The upload queued the very event this job runs on.
    expect(queued).toEqual([expect.objectContaining({ name: taskImportRequested.name, data: { importId, orgId: ctx.org.id } })]);

    const { result, error, ctx: run } = await runImport(importId, ctx.org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ created: rows, updated: 0, errors: 0 });
    expect(run.step.run.mock.calls.map(([id]) => id)).toEqual(["read the file", "import chunk 1 of 3", "import chunk 2 of 3", "import chunk 3 of 3", "finish"]);

    const row = await importRow(importId);
    expect(row).toMatchObject({
      status: "completed",
      totalRows: rows,
      processedRows: rows,
      createdCount: rows,
      updatedCount: 0,
      errorCount: 0,
      rowErrors: [],
      failureReason: null,
    });
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(row.chunkResults).toEqual({
      "0": { created: CHUNK_ROWS, updated: 0, errors: 0 },
      "1": { created: CHUNK_ROWS, updated: 0, errors: 0 },
      "2": { created: 100, updated: 0, errors: 0 },
    });

    const imported = await tasksOf(ctx.project.id);
    expect(imported).toHaveLength(rows);
    expect(new Set(imported.map((t) => t.title)).size).toBe(rows);
    expect(imported[0]!.title).toBe("Task 0001");
    expect(imported[rows - 1]!.title).toBe(`Task ${String(rows).padStart(4, "0")}`);
    // Values are mapped: status labels, due date, assignee by (case-insensitive) email, the requester as creator.
    expect(imported.find((t) => t.title === "Task 0001")).toMatchObject({ status: "in_progress", dueOn: "2027-01-02", assigneeId: null, createdById: ctx.owner.id });
    expect(imported.find((t) => t.title === "Task 0030")).toMatchObject({ status: "todo", dueOn: "2027-01-03", assigneeId: ctx.member.id });
    expect(imported.find((t) => t.title === "Task 0599")).toMatchObject({ status: "done" });
    expect(imported.every((t) => t.orgId === ctx.org.id)).toBe(true);

    const activity = (await activityOf(ctx.org.id)).filter((e) => e.type === "tasks.imported");
    expect(activity).toHaveLength(1);
    expect(activity[0]).toMatchObject({
      actorId: ctx.owner.id,
      subjectType: "import",
      subjectId: importId,
      data: { fileName: "tasks.csv", created: rows, updated: 0, errors: 0 },
    });
  });

  it("reports malformed rows with their line numbers and imports the rest", async () => {
    const ctx = await setup();
    const csv = [
      "title,status,due,assignee",
      "Write the brief,todo,2026-12-31,",
      ",todo,,",
      "Ship it,blocked,,",
      "Plan the launch,done,31/12/2026,",
      "Review,todo,,nobody@example.test",
      `Test it,In Progress,2027-02-01,${ctx.member.email.toUpperCase()}`,
    ].join("\n");
    const importId = await upload(ctx, csv);

    const { result, error } = await runImport(importId, ctx.org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ created: 2, updated: 0, errors: 4 });
    const row = await importRow(importId);
    expect(row).toMatchObject({ status: "completed", totalRows: 6, processedRows: 6, createdCount: 2, errorCount: 4 });
    expect(row.rowErrors).toEqual([
      { row: 3, message: "title is empty" },
      { row: 4, message: expect.stringMatching(/^status "blocked" is not one of/) },
      { row: 5, message: "due date must look like 2026-12-31" },
      { row: 6, message: "assignee nobody@example.test is not a member of this organization" },
    ]);

    const imported = await tasksOf(ctx.project.id);
    expect(imported.map((t) => t.title)).toEqual(["Test it", "Write the brief"]);
    expect(imported[0]).toMatchObject({ status: "in_progress", dueOn: "2027-02-01", assigneeId: ctx.member.id });
    expect(imported[1]).toMatchObject({ status: "todo", dueOn: "2026-12-31", assigneeId: null });

    const activity = (await activityOf(ctx.org.id)).filter((e) => e.type === "tasks.imported");
    expect(activity[0]!.data).toMatchObject({ created: 2, errors: 4 });
  });

  it("numbers the lines of later chunks as a spreadsheet does (header = line 1)", async () => {
    const ctx = await setup();
    const lines = ["title,status"];
    const rows = CHUNK_ROWS + 300;
    for (let i = 1; i <= rows; i++) lines.push(i === 300 ? ",todo" : i === CHUNK_ROWS + 52 ? `Task ${i},someday` : `Task ${i},todo`);
    const importId = await upload(ctx, lines.join("\n"));

    const { result, error } = await runImport(importId, ctx.org.id);

    expect(error).toBeUndefined();
    expect(result).toEqual({ created: rows - 2, updated: 0, errors: 2 });
    expect((await importRow(importId)).rowErrors).toEqual([
      { row: 301, message: "title is empty" },
      { row: CHUNK_ROWS + 53, message: expect.stringMatching(/^status "someday" is not one of/) },
    ]);
    expect(await tasksOf(ctx.project.id)).toHaveLength(rows - 2);
  });

  it("keeps the first 100 row errors for display and counts them all", async () => {
    const ctx = await setup();
    const lines = ["title,due"];
    for (let i = 1; i <= 300; i++) lines.push(`Task ${i},${i % 2 === 0 ? "tomorrow" : ""}`);
    const importId = await upload(ctx, lines.join("\n"));

    const { result } = await runImport(importId, ctx.org.id);

    expect(result).toEqual({ created: 150, updated: 0, errors: 150 });
    const row = await importRow(importId);
    expect(row.errorCount).toBe(150);
    expect(row.rowErrors).toHaveLength(100);
    expect(row.rowErrors[0]).toEqual({ row: 3, message: "due date must look like 2026-12-31" });
    expect(row.rowErrors[99]!.row).toBe(201);
  });

  it("fails the import when the file has no title column, with the reason shown to the user", async () => {
    const ctx = await setup();
    const importId = await upload(ctx, "summary,status\nSomething,todo\n");

    const { error } = await runImport(importId, ctx.org.id);

    const reason = 'The first line must name the columns, with at least a "title" column.';
    expect(error).toMatchObject({ name: "NonRetriableError", message: reason });
    // The main handler stops at the first step; marking the import failed is the onFailure handler's job.
    const failed = await runFailureHandler(importId, ctx.org.id, { name: "NonRetriableError", message: reason });
    expect(failed.error).toBeUndefined();
    const row = await importRow(importId);
    expect(row).toMatchObject({ status: "failed", failureReason: reason, createdCount: 0 });
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(await tasksOf(ctx.project.id)).toHaveLength(0);
    expect((await activityOf(ctx.org.id)).some((e) => e.type === "tasks.imported")).toBe(false);
  });

  it("end to end (in-process executor): a file without a title column ends as a failed import", async () => {
    setEventSenderForTests(undefined); // the app's real sender: the executor runs the job and its failure handler
    const ctx = await setup();
    const importId = await upload(ctx, "summary\nSomething\n");
    await drainJobs();

    expect(await importRow(importId)).toMatchObject({
      status: "failed",
      failureReason: 'The first line must name the columns, with at least a "title" column.',
    });
    expect(await tasksOf(ctx.project.id)).toHaveLength(0);
  });

  it("fails a file that is not valid CSV", async () => {
    const ctx = await setup();
    const importId = await upload(ctx, 'title,status\n"unterminated,todo\n');

    const { error } = await runImport(importId, ctx.org.id);

    expect(error).toMatchObject({ name: "NonRetriableError", message: expect.stringContaining("The file is not valid CSV") });
    expect(await tasksOf(ctx.project.id)).toHaveLength(0);
  });

  it("updates the tasks of a re-imported file that has a key column instead of duplicating them", async () => {
    const ctx = await setup();
    const first = await upload(ctx, "key,title,status\nA-1,First,todo\nA-2,Second,todo\nA-3,Third,todo\n");
    expect((await runImport(first, ctx.org.id)).result).toEqual({ created: 3, updated: 0, errors: 0 });
    const before = await tasksOf(ctx.project.id);

    const second = await upload(ctx, "key,title,status\nA-1,First (renamed),done\nA-2,Second,todo\nA-4,Fourth,todo\n", { name: "tasks-v2.csv" });
    const { result } = await runImport(second, ctx.org.id);

    expect(result).toEqual({ created: 1, updated: 2, errors: 0 });
    expect(await importRow(second)).toMatchObject({ status: "completed", createdCount: 1, updatedCount: 2 });
    const after = await tasksOf(ctx.project.id);
    expect(after.map((t) => t.title)).toEqual(["First (renamed)", "Fourth", "Second", "Third"]);
    const renamed = after.find((t) => t.title === "First (renamed)")!;
    expect(renamed).toMatchObject({ id: before.find((t) => t.title === "First")!.id, status: "done", externalKey: `csv:${ctx.project.id}:A-1` });
  });

  it("a chunk run twice, or re-run after its result was lost, creates no duplicate tasks", async () => {
    const ctx = await setup();
    const lines = ["title"];
    for (let i = 1; i <= CHUNK_ROWS + 50; i++) lines.push(`Task ${i}`);
    const importId = await upload(ctx, lines.join("\n"));

    expect(await prepareTaskImport(importId)).toEqual({ chunks: 2, totalRows: CHUNK_ROWS + 50 });
    expect(await importTaskChunk(importId, 0)).toEqual({ created: CHUNK_ROWS, updated: 0, errors: 0 });
    // A retried step (the first attempt committed but its result never reached Inngest).
    expect(await importTaskChunk(importId, 0)).toEqual({ created: CHUNK_ROWS, updated: 0, errors: 0 });
    expect(await tasksOf(ctx.project.id)).toHaveLength(CHUNK_ROWS);
    expect(await importRow(importId)).toMatchObject({ createdCount: CHUNK_ROWS, processedRows: CHUNK_ROWS });

    // Even without the chunk's bookkeeping entry, the rows' keys (import + line) stop a second insert.
    await getDb()
      .update(taskImports)
      .set({ chunkResults: sql`${taskImports.chunkResults} - '0'` })
      .where(eq(taskImports.id, importId));
    const rerun = await importTaskChunk(importId, 0);
    expect(rerun.created).toBe(0);
    expect(await tasksOf(ctx.project.id)).toHaveLength(CHUNK_ROWS);
    expect(await importRow(importId)).toMatchObject({ createdCount: CHUNK_ROWS, processedRows: CHUNK_ROWS });

    expect(await importTaskChunk(importId, 1)).toEqual({ created: 50, updated: 0, errors: 0 });
    const imported = await tasksOf(ctx.project.id);
    expect(imported).toHaveLength(CHUNK_ROWS + 50);
    expect(new Set(imported.map((t) => t.title)).size).toBe(CHUNK_ROWS + 50);
  });

  it("the file is parsed once into staged rows, which are gone when the import completes or fails", async () => {
    const ctx = await setup();
    const staged = async (importId: string) => (await getDb().select().from(taskImportRows).where(eq(taskImportRows.importId, importId))).length;
    const done = await upload(ctx, bigCsv(CHUNK_ROWS + 1, { assigneeEmail: ctx.member.email }));
    expect(await prepareTaskImport(done)).toEqual({ chunks: 2, totalRows: CHUNK_ROWS + 1 });
    expect(await staged(done)).toBe(CHUNK_ROWS + 2); // the header and every row
    expect(await prepareTaskImport(done)).toEqual({ chunks: 2, totalRows: CHUNK_ROWS + 1 }); // a retried step
    expect(await staged(done)).toBe(CHUNK_ROWS + 2);
    // The chunks read the staged rows, not the file: it may be gone by now.
    await getDb().update(taskImports).set({ fileId: null }).where(eq(taskImports.id, done));
    expect(await importTaskChunk(done, 1)).toEqual({ created: 1, updated: 0, errors: 0 });
    expect(await importTaskChunk(done, 0)).toEqual({ created: CHUNK_ROWS, updated: 0, errors: 0 });
    await finishTaskImport(done);
    expect(await staged(done)).toBe(0);

    const failed = await upload(ctx, "title\nOne\nTwo\n");
    await prepareTaskImport(failed);
    expect(await staged(failed)).toBe(3);
    await failTaskImport(failed, "The import stopped.");
    expect(await staged(failed)).toBe(0);
    expect(await importRow(failed)).toMatchObject({ status: "failed", failureReason: "The import stopped." });
  });

  it("a file over the row limit is refused with the limit in the message, and nothing is staged", async () => {
    const ctx = await setup();
    const importId = await upload(ctx, "title\n1\n2\n3\n4\n5\n6\n");
    await expect(prepareTaskImport(importId, getDb(), 5)).rejects.toThrow("The file has more than 5 rows; at most 5 can be imported at once.");
    expect((await getDb().select().from(taskImportRows).where(eq(taskImportRows.importId, importId))).length).toBe(0);
    expect(await importRow(importId)).toMatchObject({ status: "queued", totalRows: null });
    expect(await prepareTaskImport(importId, getDb(), 6)).toEqual({ chunks: 1, totalRows: 6 });
  });

  it("a second run of the whole job for the same import changes nothing", async () => {
    const ctx = await setup();
    const importId = await upload(ctx, "title\nOne\nTwo\nThree\n");
    expect((await runImport(importId, ctx.org.id)).result).toEqual({ created: 3, updated: 0, errors: 0 });

    const again = await runImport(importId, ctx.org.id);

    expect(again.result).toEqual({ created: 3, updated: 0, errors: 0 });
    expect(await tasksOf(ctx.project.id)).toHaveLength(3);
  });

  it("a blank line inside the file neither drops a row nor shifts the line numbers", async () => {
    const ctx = await setup();
    const lines = ["title,status"];
    for (let i = 1; i <= 250; i++) lines.push(i === 200 ? `Task ${i},someday` : `Task ${i},todo`);
    lines.splice(101, 0, ""); // a blank line after data row 100: data row 200 is now on line 202
    const importId = await upload(ctx, lines.join("\n"));

    const { result } = await runImport(importId, ctx.org.id);

    expect(result).toEqual({ created: 249, updated: 0, errors: 1 });
    expect(await importRow(importId)).toMatchObject({ totalRows: 250, processedRows: 250 });
    expect((await importRow(importId)).rowErrors).toEqual([{ row: 202, message: expect.stringMatching(/^status "someday"/) }]);
    const imported = await tasksOf(ctx.project.id);
    expect(imported).toHaveLength(249);
    expect(imported.some((t) => t.title === "Task 250")).toBe(true);
  });

  // Titles may not hold line breaks (lib/plain-text.ts): the two-line record is refused, once, on the line it starts on,
  // and the parse around the chunk boundary still finds every other row.
  it("a quoted title spanning two lines at a chunk boundary is parsed whole, once (and refused for its line break)", async () => {
    const ctx = await setup();
    const lines = ["title"];
    for (let i = 1; i <= CHUNK_ROWS + 10; i++) lines.push(i === CHUNK_ROWS ? `"Task\n${i}"` : `Task ${i}`);
    const importId = await upload(ctx, lines.join("\n"));

    const { result } = await runImport(importId, ctx.org.id);

    expect(result).toEqual({ created: CHUNK_ROWS + 9, updated: 0, errors: 1 });
    expect((await importRow(importId)).rowErrors).toEqual([{ row: CHUNK_ROWS + 1, message: expect.stringMatching(/^title has a line break/) }]);
    const imported = await tasksOf(ctx.project.id);
    expect(imported).toHaveLength(CHUNK_ROWS + 9);
    expect(imported.some((t) => t.title === `Task ${CHUNK_ROWS + 1}`)).toBe(true);
    expect(imported.some((t) => t.title === `Task ${CHUNK_ROWS - 1}`)).toBe(true);
  });

  // csv-parse's info.lines is the line a record ends on; the import subtracts the line breaks inside its cells.
  it("a bad row whose title spans two lines is reported on the line it starts on", async () => {
    const ctx = await setup();
    const importId = await upload(ctx, 'title,status\nFine,todo\n"Two\nlines",someday\nAlso fine,todo\n');

    await runImport(importId, ctx.org.id);

    expect((await importRow(importId)).rowErrors).toEqual([{ row: 3, message: expect.stringContaining('status "someday"') }]);
  });

  it("keys belong to the project: the same keyed file imported into another project creates its own tasks there", async () => {
    const ctx = await setup();
    const csv = "key,title\nK-1,One\nK-2,Two\n";
    await runImport(await upload(ctx, csv), ctx.org.id);
    const other = await createProjectFor(ctx.org.id, ctx.owner.id);
    await runImport(await upload(ctx, "key,title\nK-1,Uno\n", { projectId: other.id }), ctx.org.id);
    expect((await tasksOf(ctx.project.id)).map((t) => t.title)).toEqual(["One", "Two"]);
    expect((await tasksOf(other.id)).map((t) => t.title)).toEqual(["Uno"]);
  });

  it("a key repeated within the file: the later row wins and the earlier one is reported, the import completes", async () => {
    const ctx = await setup();
    const importId = await upload(ctx, "key,title\nK-1,First\nK-2,Other\nK-1,Second\n");
    await runImport(importId, ctx.org.id);
    expect((await tasksOf(ctx.project.id)).map((t) => t.title)).toEqual(["Other", "Second"]);
    expect(await importRow(importId)).toMatchObject({
      status: "completed",
      createdCount: 2,
      errorCount: 1,
      rowErrors: [{ row: 2, message: "key repeated on line 4, which was imported instead" }],
    });
  });
});
