import "server-only";
import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/current-user";
import { enforceRateLimit } from "@/lib/cache/rate-limit";
import { databaseBusy, databaseUnavailable } from "@/lib/db/database-errors";
import { isAppError } from "@/lib/errors";
import { getUserMemberships } from "@/lib/orgs/membership-cache";
import { uuidSchema } from "@/lib/orgs/schemas";
import { captureError } from "@/lib/observability/error-tracker";
import { getRequestLogger } from "@/lib/observability/request-context";

export type ActionState<T = void> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> }
  | null;

// Fields whose value never goes back to the browser, even to the person who typed it.
const SECRET_FIELD = /password|secret|token/i;

/**
 * A failed state that carries what the user submitted (secrets left out), so the form shows it again. With JavaScript
 * the inputs keep their values anyway; without it (or before hydration) the browser loads a new page, and the fields
 * take these as their default values.
 */
export function withSubmittedValues<T>(form: FormData | undefined | null, state: ActionState<T>): ActionState<T> {
  if (!state || state.ok || !(form instanceof FormData)) return state;
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !key.startsWith("$ACTION") && !SECRET_FIELD.test(key)) values[key] = value;
  }
  return { ...state, values };
}

/** Form fields as a plain object; React's internal `$ACTION_*` fields are dropped. Services validate it with zod. */
export function formToObject(form: FormData | undefined | null): Record<string, unknown> {
  if (!(form instanceof FormData)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (!key.startsWith("$ACTION")) out[key] = typeof value === "string" ? value : undefined;
  }
  return out;
}

/** An org page that shows what an action changed: the action names it, the org's slug comes from the user's memberships. */
export type OrgPage = "dashboard" | "projects" | "members" | "data" | { project: unknown } | { path: string };

// A module's own page under the org (`{ path: "/projects/<id>/tasks/<id>" }`), built by the action from ids the service
// returned: segments of letters, digits and dashes only.
const orgSubpath = /^(?:\/[A-Za-z0-9-]+)+$/;

const orgPagePath: Record<Extract<OrgPage, string>, string> = { dashboard: "", projects: "/projects", members: "/members", data: "/data" };

/**
 * Re-renders the org pages an action's change shows on, so server-rendered lists are fresh in the action's response.
 * The action decides which pages; nothing comes from a path in the form (a submitted path let anyone make the server
 * revalidate any path). The org must be one of the user's own (its slug is read from their memberships), and a project
 * id must be a uuid: call it after the service has validated and authorized the change. Anything else is skipped.
 */
export async function revalidateOrgPages(user: { id: string }, orgId: unknown, pages: OrgPage[]): Promise<string[]> {
  const membership = uuidSchema.safeParse(orgId).success ? (await getUserMemberships(user.id)).find((m) => m.orgId === orgId) : undefined;
  if (!membership) return [];
  const paths = pages.flatMap((page) => {
    if (typeof page === "string") return [`/${membership.slug}${orgPagePath[page]}`];
    if ("path" in page) return orgSubpath.test(page.path) ? [`/${membership.slug}${page.path}`] : [];
    const projectId = uuidSchema.safeParse(page.project);
    return projectId.success ? [`/${membership.slug}/projects/${projectId.data}`] : [];
  });
  for (const path of paths) revalidatePath(path);
  return paths;
}

/** Turns any thrown error into an ActionState: AppErrors keep their message, anything else is logged with a ref. */
export async function toActionError(error: unknown, name: string, userId?: string): Promise<ActionState<never>> {
  unstable_rethrow(error); // redirect(), notFound() and friends are control flow, not failures.
  if (isAppError(error)) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
  const log = await getRequestLogger("actions", { userId });
  const requestId = String(log.bindings().requestId);
  // Both below are said without promising more than that the failing statement did not go through: a write committed
  // before a later statement failed stays, and so may a commit whose connection was lost before the server answered.
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    // The database refused or lost the connection, is restarting, or failed a moment ago (lib/db/pool-gate.ts).
    log.warn({ err: error, action: name, reason: unavailable }, "server action failed: database unavailable");
    return { ok: false, error: `The database is unavailable right now and this did not go through. Try again in a moment (ref ${requestId}).` };
  }
  const busy = databaseBusy(error);
  if (busy) {
    // Cut by statement_timeout or lock_timeout (lib/db/client.ts), so its transaction rolled back; or refused by the
    // pool gate because too many queries were already waiting for a connection.
    log.warn({ err: error, action: name, reason: busy }, "server action failed: database busy");
    return { ok: false, error: `The database is busy right now and this did not go through. Try again in a moment (ref ${requestId}).` };
  }
  log.error({ err: error, action: name }, "server action failed");
  captureError(error, { requestId, route: `action:${name}`, userId });
  return { ok: false, error: `Something went wrong (ref ${requestId}).` };
}

/**
 * The body of every public server action (sign-in, sign-up, reset and verification links): the service validates the
 * input; its AppErrors become the form's message, anything else is logged with a ref. `recover` turns errors the action
 * knows (Auth.js's, for one) into a message of its own. A redirect() inside `fn` goes through.
 */
export async function runPublicAction<T>(
  name: string,
  form: FormData | undefined | null,
  fn: (input: Record<string, unknown>) => Promise<T>,
  { message, recover }: { message?: string; recover?: (error: unknown) => string | undefined } = {},
): Promise<ActionState<T>> {
  try {
    const data = await fn(formToObject(form));
    return { ok: true, data, message };
  } catch (error) {
    unstable_rethrow(error);
    const recovered = recover?.(error);
    return withSubmittedValues(form, recovered ? { ok: false, error: recovered } : await toActionError(error, name));
  }
}

/**
 * The body of every authenticated server action: a server action is a public endpoint, so it checks the session
 * itself; the service it calls validates the input (zod) and authorizes the actor for the org.
 */
export async function runAction<T>(
  name: string,
  form: FormData | undefined | null,
  fn: (user: CurrentUser, input: Record<string, unknown>) => Promise<T>,
  message?: string,
): Promise<ActionState<T>> {
  let user: CurrentUser | null = null;
  try {
    user = await getCurrentUser();
  } catch (error) {
    return withSubmittedValues(form, await toActionError(error, name));
  }
  if (!user) return withSubmittedValues(form, { ok: false, error: "Your session has ended. Please sign in again." });
  return runActionAs(user, name, form, fn, message);
}

/** runAction once the user is known: the per-user mutation limit, then the service; a refused call changes nothing. */
export async function runActionAs<T>(
  user: CurrentUser,
  name: string,
  form: FormData | undefined | null,
  fn: (user: CurrentUser, input: Record<string, unknown>) => Promise<T>,
  message?: string,
): Promise<ActionState<T>> {
  try {
    await enforceRateLimit("mutations", user.id);
    const data = await fn(user, formToObject(form));
    return { ok: true, data, message };
  } catch (error) {
    return withSubmittedValues(form, await toActionError(error, name, user.id));
  }
}
