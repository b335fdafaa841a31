import { AppError } from "@/lib/errors";

// Keyset cursors: the (created_at, id) of the last row shown. created_at travels as Postgres text so its
// microseconds survive the round trip (a JS Date would truncate them and skip or repeat rows).

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString().split("|");
  // Exactly what Postgres prints for a timestamptz, and a real uuid: anything else would fail the cast (a 500).
  const isTimestamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(createdAt ?? "");
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id ?? "");
  if (!createdAt || !id || !isTimestamp || !isUuid) {
    throw new AppError("invalid_input", "That page link is not valid.");
  }
  return { createdAt, id };
}
