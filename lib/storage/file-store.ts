import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import { storedFiles } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

// The storage port for uploads and generated files. The default keeps them in Postgres (bytea), which every instance
// can read and which needs no other service; files are capped (UPLOAD_MAX_BYTES). An S3-compatible adapter implements
// the same three methods and is returned by getFileStore() instead.

export type StoredFile = { id: string; orgId: string; name: string; contentType: string; size: number; data: Buffer; createdAt: Date };

export type FileStore = {
  put(file: { orgId: string; name: string; contentType: string; data: Buffer; expiresAt?: Date }, db?: Db): Promise<{ id: string }>;
  /** The file, only if it belongs to `orgId` (tenancy is part of the lookup). */
  get(orgId: string, id: string, db?: Db): Promise<StoredFile | null>;
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
  },
  async remove(orgId, id, db = getDb()) {
    await db.delete(storedFiles).where(and(eq(storedFiles.id, id), eq(storedFiles.orgId, orgId)));
  },
};

export function getFileStore(): FileStore {
  return postgresFileStore;
}

/** Generated files past their expiry (reports) are deleted by the maintenance job. */
export async function deleteExpiredFiles(now: Date, db: Db = getDb()): Promise<number> {
  const deleted = await db.delete(storedFiles).where(lt(storedFiles.expiresAt, now)).returning({ id: storedFiles.id });
  return deleted.length;
}

/** Appends bytes to a Postgres-stored file (reports are written page by page), inside the caller's transaction. */
export async function appendToStoredFile(orgId: string, id: string, data: Buffer, db: Db = getDb()): Promise<void> {
  const max = getEnv().UPLOAD_MAX_BYTES * 10;
  const [row] = await db
    .update(storedFiles)
    .set({ data: sql`${storedFiles.data} || ${data}`, size: sql`${storedFiles.size} + ${data.byteLength}` })
    .where(and(eq(storedFiles.id, id), eq(storedFiles.orgId, orgId)))
    .returning({ size: storedFiles.size });
  if (!row) throw new Error(`Stored file ${id} not found.`);
  if (row.size > max) throw new AppError("invalid_input", `The file grew past ${Math.floor(max / 1024 / 1024)} MB: export less at once.`);
}
