import { AppError } from "@/lib/errors";

// Keyset cursors: the (created_at, id) of the last row shown. created_at travels as Postgres text so its
// microseconds survive the round trip (a JS Date would truncate them and skip or repeat rows).

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString("base64url");
}

// What Postgres prints for a timestamptz: `2026-11-30 16:22:28.123456+00` (the offset may carry minutes).
const timestampText = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?$/;
const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/**
 * Whether `text` is a real instant in the shape Postgres prints: the shape alone lets `2026-19-99 99:99:99+00` through,
 * and Postgres answers that cast with an error (a 500). Leap seconds and 24:00, which Postgres would accept but never
 * prints, are refused too.
 */
export function isTimestampText(text: string): boolean {
  const match = timestampText.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map((part) => Number(part ?? 0));
  return (
    year! >= 1 &&
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours! <= 15 &&
    offsetMinutes! <= 59
  );
}

/** The cursor's parts, or invalid_input ("That page link is not valid.") for anything the query could not take. */
export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, ...rest] = Buffer.from(cursor, "base64url").toString().split("|");
  if (!createdAt || !id || rest.length > 0 || !isTimestampText(createdAt) || !uuidText.test(id)) {
    throw new AppError("invalid_input", "That page link is not valid.");
  }
  return { createdAt, id };
}
