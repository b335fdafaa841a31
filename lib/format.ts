// Dates as the app shows them: British order ("28 Nov 2026"), in UTC, so the server's render and the browser's
// hydration produce the same text whatever the machine's time zone. Pages that show a time add " UTC" after it.
// One module so a fork that localizes (or shows the viewer's zone) changes it here.

const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dateTimeSeconds = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const time = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: "UTC" });

/** A calendar date ("2026-11-28", as Postgres `date` columns come back) as a Date at midnight UTC; null if invalid. */
export function calendarDate(value: string): Date | null {
  const parsed = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** A Date, or a calendar date as a string (shown as it is if it is not one). */
type DateLike = Date | string;

function show(format: Intl.DateTimeFormat, value: DateLike): string {
  if (typeof value !== "string") return format.format(value);
  const parsed = calendarDate(value);
  return parsed ? format.format(parsed) : value;
}

/** "28 Nov 2026" */
export const formatDate = (value: DateLike) => show(date, value);
/** "28 Nov 2026, 14:05" */
export const formatDateTime = (value: Date) => dateTime.format(value);
/** "28 Nov 2026, 14:05:09": operators' pages, where events a few seconds apart must read apart. */
export const formatDateTimeSeconds = (value: Date) => dateTimeSeconds.format(value);
/** "28 Nov" */
export const formatDay = (value: DateLike) => show(day, value);
/** "14:05" (a Date, or epoch milliseconds) */
export const formatTime = (value: Date | number) => time.format(value);
