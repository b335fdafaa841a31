// "The database is down or swamped": a mark that proxy.ts reads to answer page loads 503 at once, with a page that
// needs no database, instead of rendering them into an error. The pool gate (lib/db/pool-gate.ts) sets it at the first
// failure: for a short window when the pool is saturated; when the database is unreachable, until the gate's own
// probe (one a window) reaches it again.
// Once per process: proxy.ts is bundled apart from the app, in the same process. No `server-only`: proxy.ts imports it.
import { processState } from "@/lib/runtime/process-state";

export type UnavailableReason = "unavailable" | "saturated";

/** How long one failure marks the database unavailable (and how often the gate probes an unreachable one). */
export const UNAVAILABLE_WINDOW_MS = 2_000;

type Mark = { until: number; reason: UnavailableReason; held: boolean };
const store = processState("db.availability", (): { databaseUnavailable?: Mark } => ({}));

/**
 * Marks the database unavailable for the window from `now`, or, with `held`, until cleared (the window then says when
 * the next probe is due). Returns whether it was not marked already.
 */
export function markDatabaseUnavailable(reason: UnavailableReason, { now = Date.now(), held = false }: { now?: number; held?: boolean } = {}): boolean {
  const current = store.databaseUnavailable;
  const active = current !== undefined && (current.held || current.until > now);
  // An unreachable database is the stronger news: a saturated pool seen meanwhile does not hide it.
  if (active && current.reason === "unavailable" && reason === "saturated") return false;
  store.databaseUnavailable = { until: now + UNAVAILABLE_WINDOW_MS, reason, held };
  return !active;
}

/** The current mark and how long until its window ends, or undefined when the database is not marked. */
export function databaseUnavailableMark(now = Date.now()): { reason: UnavailableReason; remainingMs: number } | undefined {
  const mark = store.databaseUnavailable;
  return mark && (mark.held || mark.until > now) ? { reason: mark.reason, remainingMs: Math.max(0, mark.until - now) } : undefined;
}

/** The database answered again (and, in tests, forget the mark). */
export function clearDatabaseUnavailable(): void {
  store.databaseUnavailable = undefined;
}
