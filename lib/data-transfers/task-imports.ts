import "server-only";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { and, asc, desc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import { z } from "zod";
import { memberships, projects, taskImportRows, taskImports, tasks, users, type ImportRowError } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { orgDataTag } from "@/lib/activity/org-cache-tags";
import { invalidateCacheTags } from "@/lib/cache/define-cache";
import { getDb, type Db } from "@/lib/db/client";
import { afterCommit, withTx } from "@/lib/db/transaction";
import { AppError, parseOrThrow } from "@/lib/errors";
import { taskImportRequested } from "@/lib/data-transfers/events";
import { enqueueEvent } from "@/lib/jobs/outbox";
import { type Actor, requirePermission, requirePermissionToRead } from "@/lib/orgs/require-permission";
import { isPlainText } from "@/lib/plain-text";
import type { TaskStatus } from "@/lib/projects/schemas";
import { getFileStore } from "@/lib/storage/file-store";
import { dataTransferPermissions } from "@/lib/data-transfers/permissions";

// CSV import of tasks into a project. The request stores the upload and queues the job (lib/inngest/functions/
// import-tasks.ts). Its first step parses the file once into task_import_rows; each later step takes a chunk of
// CHUNK_ROWS records from there (no file to fetch and parse again: the cost of a chunk does not grow with the file),
// validates them row by row (bad rows are reported, not fatal) and upserts them by external key in one transaction
// together with its progress, so a retried chunk neither duplicates tasks nor counts twice.

export const CHUNK_ROWS = 1000;
export const MAX_IMPORT_ROWS = 100_000;
/** Records per insert into task_import_rows (four parameters each, well under Postgres's 65,535). */
const STAGE_BATCH = 5000;
const MAX_REPORTED_ERRORS = 100;

export const createTaskImportInput = z.object({ orgId: z.uuid({ error: "Invalid id." }), projectId: z.uuid({ error: "Choose a project." }) });

export type UploadedFile = { name: string; contentType: string; data: Buffer };

/** Stores the CSV and queues its import. Managers only; the project must be active. */
export async function createTaskImport({ actor, input, file }: { actor: Actor; input: unknown; file: UploadedFile | null }, db: Db = getDb()) {
  const { orgId, projectId } = parseOrThrow(createTaskImportInput, input);
  await requirePermission(actor, orgId, dataTransferPermissions["import:create"], db);
  if (!file || file.data.byteLength === 0) throw new AppError("invalid_input", "Choose a CSV file to import.", { file: ["Choose a CSV file."] });
  if (!/\.csv$/i.test(file.name) && !/csv|text\/plain/.test(file.contentType)) {
    throw new AppError("invalid_input", "The file must be a CSV (.csv).", { file: ["The file must be a CSV (.csv)."] });
  }
  const [project] = await db
    .select({ id: projects.id, archivedAt: projects.archivedAt })
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.orgId, orgId)));
  if (!project) throw new AppError("not_found", "Project not found.", { projectId: ["Choose a project."] });
  if (project.archivedAt) throw new AppError("conflict", "This project is archived. Restore it before importing.");
  return withTx(async (tx) => {
    // Kept a week (the maintenance job deletes it after): enough for the job and its retries, not forever.
    const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const { id: fileId } = await getFileStore().put({ orgId, name: file.name, contentType: "text/csv", data: file.data, expiresAt }, tx);
    const [row] = await tx
      .insert(taskImports)
      .values({ orgId, projectId, requestedById: actor.userId, fileId, fileName: file.name.slice(0, 200) })
      .returning({ id: taskImports.id });
    await enqueueEvent(tx, taskImportRequested, { importId: row!.id, orgId }, { orgId });
    return { importId: row!.id };
  }, db);
}

const header = {
  title: ["title", "name", "task"],
  status: ["status", "state"],
  dueOn: ["due", "due_on", "due date", "due_date"],
  assignee: ["assignee", "assignee_email", "assignee email", "owner"],
  key: ["key", "external_id", "external id", "id"],
} as const;

type Columns = { -readonly [K in keyof typeof header]?: number };

function columnsOf(headerRow: string[]): Columns {
  const normalized = headerRow.map((h) => h.trim().toLowerCase());
  const columns: Columns = {};
  for (const [field, names] of Object.entries(header) as [keyof typeof header, readonly string[]][]) {
    const index = normalized.findIndex((h) => names.includes(h));
    if (index >= 0) columns[field] = index;
  }
  return columns;
}

type CsvRecord = { cells: string[]; line: number };

/**
 * The file's records (not physical lines: a quoted cell may span several, blank lines are skipped), the header first,
 * each with the line it starts on, as a spreadsheet shows it. Parsed as they are read, so the caller holds a batch.
 */
async function* csvRecords(data: Buffer): AsyncGenerator<CsvRecord> {
  // Fed 64 KB at a time: given the whole buffer in one write, the parser would turn all of it into records at once.
  const pieces = function* () {
    for (let at = 0; at < data.byteLength; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
  };
  const parser = Readable.from(pieces()).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line a record ends on; a quoted cell spanning lines moves its start up by that many.
      yield { cells: record, line: info.lines - record.reduce((breaks, cell) => breaks + (cell.match(/\n/g)?.length ?? 0), 0) };
    }
  } catch (error) {
    if (error instanceof NonRetriableError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new NonRetriableError(`The file is not valid CSV: ${reason}`);
  } finally {
    parser.destroy();
  }
}

async function loadImport(importId: string, db: Db) {
  const [row] = await db.select().from(taskImports).where(eq(taskImports.id, importId));
  if (!row) throw new NonRetriableError(`Import ${importId} not found.`);
  // Failed meanwhile (the sweeper gave up on it and told the user to import again): a late run must not revive it.
  if (row.status === "failed") throw new NonRetriableError(`Import ${importId} was failed meanwhile: ${row.failureReason ?? "no reason"}`);
  return row;
}

/**
 * Job step: parses the file once, checks its header and size, stores its records in task_import_rows (record 0 is the
 * header) and marks the import running, in one transaction: a retried step replaces what an earlier try stored.
 * Returns the number of chunks.
 */
export async function prepareTaskImport(importId: string, db: Db = getDb(), maxRows = MAX_IMPORT_ROWS): Promise<{ chunks: number; totalRows: number }> {
  const row = await loadImport(importId, db);
  const file = row.fileId ? await getFileStore().get(row.orgId, row.fileId, db) : null;
  if (!file) throw new NonRetriableError("The uploaded file is gone.");
  const totalRows = await withTx(async (tx) => {
    await tx.delete(taskImportRows).where(eq(taskImportRows.importId, importId));
    // Staged a batch at a time as the parser reads them: memory holds one batch, not the whole file's records.
    let n = 0;
    let batch: (typeof taskImportRows.$inferInsert)[] = [];
    const flush = async () => {
      if (batch.length) await tx.insert(taskImportRows).values(batch);
      batch = [];
    };
    for await (const record of csvRecords(file.data)) {
      if (n === 0 && columnsOf(record.cells).title === undefined) {
        throw new NonRetriableError('The first line must name the columns, with at least a "title" column.');
      }
      if (n > maxRows) throw new NonRetriableError(`The file has more than ${maxRows.toLocaleString("en")} rows; at most ${maxRows.toLocaleString("en")} can be imported at once.`);
      batch.push({ importId, n: n++, line: record.line, cells: record.cells });
      if (batch.length === STAGE_BATCH) await flush();
    }
    if (n === 0) throw new NonRetriableError('The first line must name the columns, with at least a "title" column.');
    await flush();
    await tx.update(taskImports).set({ status: "running", totalRows: n - 1 }).where(eq(taskImports.id, importId));
    return n - 1;
  }, db);
  return { chunks: Math.ceil(totalRows / CHUNK_ROWS), totalRows };
}

const statusByLabel: Record<string, TaskStatus> = { todo: "todo", "to do": "todo", "in progress": "in_progress", in_progress: "in_progress", done: "done" };

const rowSchema = z.object({
  title: z
    .string()
    .min(1, "title is empty")
    .max(200, "title is longer than 200 characters")
    .refine(isPlainText, "title has a line break, tab or control or text-direction character"),
  status: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return "todo" as TaskStatus;
      const status = statusByLabel[v.toLowerCase()];
      if (!status) ctx.addIssue({ code: "custom", message: `status "${v}" is not one of: to do, in progress, done` });
      return status ?? "todo";
    }),
  dueOn: z.union([z.literal(""), z.iso.date({ error: "due date must look like 2026-12-31" })]).optional(),
  assignee: z.string().optional(),
  key: z.string().max(200, "key is longer than 200 characters").optional(),
});

/** Job step: validates and upserts one chunk; a chunk already applied (a retry) changes nothing. */
export async function importTaskChunk(importId: string, chunk: number, db: Db = getDb()) {
  const row = await loadImport(importId, db);
  if (row.chunkResults[String(chunk)]) return row.chunkResults[String(chunk)]!;
  // Chunk k holds records 1 + k*CHUNK_ROWS … (k+1)*CHUNK_ROWS; record 0 is the header.
  const [headerRecord, ...records] = await db
    .select({ n: taskImportRows.n, line: taskImportRows.line, cells: taskImportRows.cells })
    .from(taskImportRows)
    .where(and(eq(taskImportRows.importId, importId), sql`(${taskImportRows.n} = 0 or ${taskImportRows.n} between ${1 + chunk * CHUNK_ROWS} and ${(chunk + 1) * CHUNK_ROWS})`))
    .orderBy(asc(taskImportRows.n));
  if (headerRecord?.n !== 0) throw new NonRetriableError("The import's rows are gone: import the file again.");
  const columns = columnsOf(headerRecord.cells);

  // The members this chunk names, by address (not the whole membership, once per chunk).
  const emails = [...new Set(records.map(({ cells }) => (columns.assignee === undefined ? "" : (cells[columns.assignee] ?? "").toLowerCase())).filter(Boolean))];
  const members = emails.length
    ? await db
        .select({ id: users.id, email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, row.orgId), inArray(sql`lower(${users.email})`, emails)))
    : [];
  const memberByEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));

  const errors: ImportRowError[] = [];
  const values: { line: number; task: typeof tasks.$inferInsert }[] = [];
  records.forEach(({ cells, line }) => {
    const cell = (field: keyof Columns) => (columns[field] === undefined ? undefined : (cells[columns[field]!] ?? ""));
    const parsed = rowSchema.safeParse({ title: cell("title") ?? "", status: cell("status"), dueOn: cell("dueOn"), assignee: cell("assignee"), key: cell("key") });
    if (!parsed.success) {
      errors.push({ row: line, message: parsed.error.issues.map((issue) => issue.message).join("; ") });
      return;
    }
    const { title, status, dueOn, assignee, key } = parsed.data;
    const assigneeId = assignee ? memberByEmail.get(assignee.toLowerCase()) : null;
    if (assignee && !assigneeId) {
      errors.push({ row: line, message: `assignee ${assignee} is not a member of this organization` });
      return;
    }
    values.push({
      line,
      task: {
        orgId: row.orgId,
        projectId: row.projectId,
        title,
        status,
        dueOn: dueOn || null,
        assigneeId: assigneeId ?? null,
        createdById: row.requestedById,
        // With a key column, re-importing a file into the same project updates its tasks (keys are per project);
        // without one, the line in this import is the key, which keeps a retried chunk from inserting rows twice.
        externalKey: key ? `csv:${row.projectId}:${key}` : `import:${row.id}:${line}`,
      },
    });
  });
  // A key repeated within the chunk: the last row wins (one statement cannot upsert a row twice), earlier ones are
  // reported.
  const byKey = new Map<string, { line: number; task: typeof tasks.$inferInsert }>();
  for (const value of values) {
    const earlier = byKey.get(value.task.externalKey!);
    if (earlier) errors.push({ row: earlier.line, message: `key repeated on line ${value.line}, which was imported instead` });
    byKey.set(value.task.externalKey!, value);
  }
  const upserts = [...byKey.values()].map((v) => v.task);
  errors.sort((a, b) => a.row - b.row);

  return withTx(async (tx) => {
    // Serialises chunks of one import and re-checks, under the lock, that this chunk was not applied meanwhile.
    const [locked] = await tx.select({ chunkResults: taskImports.chunkResults }).from(taskImports).where(eq(taskImports.id, row.id)).for("update");
    const done = locked?.chunkResults[String(chunk)];
    if (done) return done;
    let created = 0;
    let updated = 0;
    if (upserts.length > 0) {
      const result = await tx
        .insert(tasks)
        .values(upserts)
        .onConflictDoUpdate({
          target: [tasks.orgId, tasks.externalKey],
          targetWhere: sql`${tasks.externalKey} is not null`,
          set: {
            title: sql`excluded.title`,
            status: sql`excluded.status`,
            dueOn: sql`excluded.due_on`,
            assigneeId: sql`excluded.assignee_id`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      created = result.filter((r) => r.inserted).length;
      updated = result.length - created;
    }
    const counts = { created, updated, errors: errors.length };
    await tx
      .update(taskImports)
      .set({
        chunkResults: sql`${taskImports.chunkResults} || ${JSON.stringify({ [String(chunk)]: counts })}::jsonb`,
        processedRows: sql`greatest(${taskImports.processedRows}, ${chunk * CHUNK_ROWS + records.length})`,
        createdCount: sql`${taskImports.createdCount} + ${created}`,
        updatedCount: sql`${taskImports.updatedCount} + ${updated}`,
        errorCount: sql`${taskImports.errorCount} + ${errors.length}`,
        // Capped as it grows (a file of 100,000 bad rows would otherwise rewrite an ever larger list on every chunk).
        rowErrors: sql`(case when jsonb_array_length(${taskImports.rowErrors}) >= ${MAX_REPORTED_ERRORS} then ${taskImports.rowErrors} else ${taskImports.rowErrors} || ${JSON.stringify(errors)}::jsonb end)`,
      })
      .where(eq(taskImports.id, row.id));
    // The dashboard's counts change with every chunk, not only at the end.
    await afterCommit(tx, () => invalidateCacheTags([orgDataTag(row.orgId)]));
    return counts;
  }, db);
}

/** Job step: marks the import completed and records it in the org's activity. */
export async function finishTaskImport(importId: string, db: Db = getDb()) {
  return withTx(async (tx) => {
    const [row] = await tx
      .update(taskImports)
      .set({
        status: "completed",
        finishedAt: new Date(),
        // Only the first rows' errors are kept for the UI; errorCount has the total.
        rowErrors: sql`(select coalesce(jsonb_agg(e), '[]'::jsonb) from (select e from jsonb_array_elements(${taskImports.rowErrors}) e limit ${MAX_REPORTED_ERRORS}) s)`,
      })
      .where(eq(taskImports.id, importId))
      .returning();
    if (!row) throw new NonRetriableError(`Import ${importId} not found.`);
    await tx.delete(taskImportRows).where(eq(taskImportRows.importId, importId));
    await recordActivity(tx, {
      orgId: row.orgId,
      actorId: row.requestedById,
      type: "tasks.imported",
      subjectType: "import",
      subjectId: row.id,
      data: { fileName: row.fileName, created: row.createdCount, updated: row.updatedCount, errors: row.errorCount },
    });
    return { created: row.createdCount, updated: row.updatedCount, errors: row.errorCount };
  }, db);
}

/** The job's failure handler: the import failed for good (bad file, or retries exhausted). */
export async function failTaskImport(importId: string, reason: string, db: Db = getDb()) {
  await withTx(async (tx) => {
    await tx
      .update(taskImports)
      .set({ status: "failed", failureReason: reason.slice(0, 500), finishedAt: new Date() })
      // Already failed (by the sweeper): its reason, which tells the user what to do, stays.
      .where(and(eq(taskImports.id, importId), ne(taskImports.status, "failed")));
    await tx.delete(taskImportRows).where(eq(taskImportRows.importId, importId));
  }, db);
}

/**
 * The sweeper's part: imports queued or running that have not moved since `before` (no chunk applied, no status
 * change) are failed with a message that says what to do. Their worker died with its process (the in-process
 * executor keeps runs in memory); the rows already applied stay, and importing the file again updates them by key.
 */
export async function failStaleTaskImports(before: Date, db: Db = getDb()): Promise<{ id: string; orgId: string }[]> {
  return withTx(async (tx) => {
    const failed = await tx
      .update(taskImports)
      .set({ status: "failed", failureReason: "Interrupted: the server working on it stopped. Import the file again (rows already imported are updated, not duplicated).", finishedAt: new Date() })
      .where(and(sql`${taskImports.status} in ('queued', 'running')`, lt(taskImports.updatedAt, before)))
      .returning({ id: taskImports.id, orgId: taskImports.orgId });
    if (failed.length) await tx.delete(taskImportRows).where(inArray(taskImportRows.importId, failed.map((f) => f.id)));
    return failed;
  }, db);
}

export type TaskImportItem = {
  id: string;
  projectId: string;
  projectName: string;
  fileName: string;
  status: "queued" | "running" | "completed" | "failed";
  totalRows: number | null;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  errorCount: number;
  rowErrors: ImportRowError[];
  failureReason: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

/** The org's recent imports, newest first (managers). */
export async function listTaskImports({ actor, orgId, limit = 20 }: { actor: Actor; orgId: string; limit?: number }, db: Db = getDb()) {
  await requirePermissionToRead(actor, orgId, dataTransferPermissions["import:create"]);
  return db
    .select({
      id: taskImports.id,
      projectId: taskImports.projectId,
      projectName: projects.name,
      fileName: taskImports.fileName,
      status: taskImports.status,
      totalRows: taskImports.totalRows,
      processedRows: taskImports.processedRows,
      createdCount: taskImports.createdCount,
      updatedCount: taskImports.updatedCount,
      errorCount: taskImports.errorCount,
      rowErrors: taskImports.rowErrors,
      failureReason: taskImports.failureReason,
      createdAt: taskImports.createdAt,
      finishedAt: taskImports.finishedAt,
    })
    .from(taskImports)
    .innerJoin(projects, eq(projects.id, taskImports.projectId))
    .where(eq(taskImports.orgId, orgId))
    .orderBy(desc(taskImports.createdAt))
    .limit(Math.min(Math.max(limit, 1), 100)) as Promise<TaskImportItem[]>;
}
