import "server-only";
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import { storedFileChunks, storedFiles } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";

// The storage port for uploads and generated files. The default keeps them in Postgres (bytea), which every instance
// can read and which needs no other service; uploads are capped (UPLOAD_MAX_BYTES), generated files grow by appended
// chunks (appendToStoredFile) up to GENERATED_MAX_BYTES and are read back as a stream. An S3-compatible adapter
// implements the same methods (a multipart upload for the chunks) and is returned by getFileStore() instead.

export type StoredFile = { id: string; orgId: string; name: string; contentType: string; size: number; data: Buffer; createdAt: Date };
export type StoredFileStream = Omit<StoredFile, "data"> & { body: ReadableStream<Uint8Array> };

/** A generated file (a report) may grow to this size; its download streams, so the server holds a few chunks at once. */
export const GENERATED_MAX_BYTES = 1024 * 1024 * 1024;
/** Chunks read per query while streaming a file. */
const STREAM_BATCH = 8;

const log = logger.child({ module: "storage" });

export type FileStore = {
  put(file: { orgId: string; name: string; contentType: string; data: Buffer; expiresAt?: Date }, db?: Db): Promise<{ id: string }>;
  /** The whole file in memory (uploads, capped), only if it belongs to `orgId` (tenancy is part of the lookup). */
  get(orgId: string, id: string, db?: Db): Promise<StoredFile | null>;
  /** The file as a stream of its chunks, whatever its size, only if it belongs to `orgId`. */
  stream(orgId: string, id: string, db?: Db): Promise<StoredFileStream | null>;
  remove(orgId: string, id: string, db?: Db): Promise<void>;
};

export const postgresFileStore: FileStore = {
  async put({ orgId, name, contentType, data, expiresAt }, db = getDb()) {
    const max = getEnv().UPLOAD_MAX_BYTES;
    if (data.byteLength > max) {
      throw new AppError("invalid_input", `The file is larger than ${Math.floor(max / 1024)} KB.`, { file: ["This file is too large."] });
    }
    const [row] = await db
      .insert(storedFiles)
      .values({ orgId, name, contentType, size: data.byteLength, data, expiresAt: expiresAt ?? null })
      .returning({ id: storedFiles.id });
    return { id: row!.id };
  },
  async get(orgId, id, db = getDb()) {
    const row = await selectFile(db, orgId, id);
    if (!row) return null;
    const chunks = await db.select({ data: storedFileChunks.data }).from(storedFileChunks).where(eq(storedFileChunks.fileId, id)).orderBy(asc(storedFileChunks.seq));
    return chunks.length ? { ...row, data: Buffer.concat([row.data, ...chunks.map((c) => c.data)]) } : row;
  },
  async stream(orgId, id, db = getDb()) {
    const row = await selectFile(db, orgId, id);
    if (!row) return null;
    // The row's own bytes come first (an upload's whole content, a report's header), then the appended chunks.
    const { data: head, ...file } = row;
    let seq = -1;
    let headSent = false;
    // Pulled as the client reads: a batch of chunks per query (keyset on seq), so memory stays at one batch however
    // large the file is and a slow client holds no more than that.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (!headSent) {
            headSent = true;
            if (head.byteLength > 0) return controller.enqueue(new Uint8Array(head));
          }
          try {
            const batch = await db
              .select({ seq: storedFileChunks.seq, data: storedFileChunks.data })
              .from(storedFileChunks)
              .where(and(eq(storedFileChunks.fileId, id), gt(storedFileChunks.seq, seq)))
              .orderBy(asc(storedFileChunks.seq))
              .limit(STREAM_BATCH);
            for (const chunk of batch) controller.enqueue(new Uint8Array(chunk.data));
            if (batch.length < STREAM_BATCH) controller.close();
            else seq = batch.at(-1)!.seq;
          } catch (error) {
            // The response has started: the client sees a cut-off download (its length short of Content-Length).
            log.error({ err: error, fileId: id, afterChunk: seq }, "streaming a stored file failed");
            controller.error(error);
          }
        },
      },
      { highWaterMark: 1 },
    );
    return { ...file, body };
  },
  async remove(orgId, id, db = getDb()) {
    await db.delete(storedFiles).where(and(eq(storedFiles.id, id), eq(storedFiles.orgId, orgId)));
  },
};

/** A file's row (its own bytes as `data`, without the appended chunks), only if it belongs to `orgId`. */
async function selectFile(db: Db, orgId: string, id: string): Promise<StoredFile | null> {
  const [row] = await db
    .select({
      id: storedFiles.id,
      orgId: storedFiles.orgId,
      name: storedFiles.name,
      contentType: storedFiles.contentType,
      size: storedFiles.size,
      data: storedFiles.data,
      createdAt: storedFiles.createdAt,
    })
    .from(storedFiles)
    .where(and(eq(storedFiles.id, id), eq(storedFiles.orgId, orgId)));
  return row ?? null;
}

export function getFileStore(): FileStore {
  return postgresFileStore;
}

/** Generated files past their expiry (reports) are deleted by the maintenance job. */
export async function deleteExpiredFiles(now: Date, db: Db = getDb()): Promise<number> {
  const deleted = await db.delete(storedFiles).where(lt(storedFiles.expiresAt, now)).returning({ id: storedFiles.id });
  return deleted.length;
}

/**
 * Appends bytes to a generated file as its chunk `seq` (reports: one per page, in order), inside the caller's
 * transaction: one insert, whatever the file's size. The file must belong to `orgId`; an error past GENERATED_MAX_BYTES.
 */
export async function appendToStoredFile(
  orgId: string,
  id: string,
  seq: number,
  data: Buffer,
  db: Db = getDb(),
  { maxBytes = GENERATED_MAX_BYTES }: { maxBytes?: number } = {},
): Promise<void> {
  const [row] = await db
    .update(storedFiles)
    .set({ size: sql`${storedFiles.size} + ${data.byteLength}` })
    .where(and(eq(storedFiles.id, id), eq(storedFiles.orgId, orgId)))
    .returning({ size: storedFiles.size });
  if (!row) throw new Error(`Stored file ${id} not found.`);
  if (row.size > maxBytes) throw new AppError("invalid_input", `The file grew past ${Math.max(1, Math.floor(maxBytes / 1024 / 1024))} MB: export less at once.`);
  await db.insert(storedFileChunks).values({ fileId: id, seq, data });
}
