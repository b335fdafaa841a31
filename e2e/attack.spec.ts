import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import {
  Client,
  diffCounters,
  readManifest,
  RowSnapshots,
  scrapeCounters,
  sessionCookie,
  type Answer,
  type Counters,
  type Fields,
} from "./attack-client";
import fc from "fast-check";
import { anyMalformed, badArgs, badCursor, badUuid, crlf, oversize, unicode } from "./fuzz";

// The attack suite (docs/security.md, "The attack suite"). Over HTTP, as an attacker would:
// (a) every server action and route handler of the build × {signed out, signed-out session, unverified, member, admin,
//     owner, member of another organization} × ids of another organization: each is refused exactly as the app refuses
//     (a redirect to sign-in, an ActionState error, a 401/404) and nothing changed; each also succeeds once for the
//     role that is allowed, with ids of its own organization (so the matrix cannot pass on malformed requests);
// (b) a fuzzer: malformed input to every action and route handler, 0 answers of 500 and nothing changed.
// The list comes from the build's manifests: an action or route handler that is not in the tables below fails it.
// lib/orgs/cross-tenant.test.ts is the service-level counterpart.

test.describe.configure({ mode: "serial" });

const PASSWORD = "correct horse battery";
const SESSION_ENDED = "Your session has ended. Please sign in again.";
const ORG_NOT_FOUND = "Organization not found.";
const FORBIDDEN = "Your role in this organization does not allow that.";

type Role = "owner" | "admin" | "member";
const everyone: Role[] = ["owner", "admin", "member"];
const managers: Role[] = ["owner", "admin"];
const owners: Role[] = ["owner"];

type User = { name: string; email: string; id: string; cookie: string };
type Org = {
  id: string;
  slug: string;
  projectId: string;
  taskId: string;
  /** A comment on the task, by the org's owner. */
  commentId: string;
  invitationId: string;
  invitationToken: string;
  invitationEmail: string;
  reportId: string;
  /** A member who is nobody's actor in the matrix (target of role changes and removals). */
  targetUserId: string;
};
type World = {
  users: Record<"ownerV" | "adminV" | "memberV" | "bystander" | "outsider" | "unverified" | "ghost", User>;
  V: Org; // the victim organization: owner, admin, member, bystander
  O: Org; // the outsider's own organization
  U: { id: string; slug: string }; // the unverified user's own workspace
};

const csv = { filename: "tasks.csv", contentType: "text/csv", content: "title,status\nImported,todo\n" };

// ---- the table: every server action --------------------------------------------------------------------------------

type OrgActionSpec = {
  kind: "org";
  /** The org page whose form calls it (the action is posted there, as the browser does). */
  page: (org: { slug: string; projectId: string; taskId: string }) => string;
  allowed: Role[];
  /** What a role not in `allowed` is told, when the service words it itself (the default is the role refusal). */
  forbidden?: string;
  /** The form, filled with `org`'s ids; `children` (ids inside the org: projects, tasks, …) may come from another org. */
  fields: (org: Org, children: Org) => Fields;
  /** Takes ids of things inside the org: its own orgId with another org's ids is refused with this message. */
  mixed?: string;
  /** The unverified owner, in their own workspace, is refused with this (actions that send mail to others). */
  unverified?: string;
  positive: { as: "adminV" | "memberV" | "ownerV"; fields?: (w: World) => Fields; expect: "ok" | RegExp };
};
type AccountActionSpec = {
  kind: "account";
  page: (w: World) => string;
  fields: (w: World) => Fields;
  positive: { as: keyof World["users"]; fields?: (w: World) => Fields; expect: "ok" | RegExp } | { by: string };
};
type PublicActionSpec = {
  kind: "public";
  page: (w: World) => string;
  fields: (w: World) => Fields;
  args?: string;
  /** Attempts that must be refused: who, what, and the exact refusal. */
  /** `scopedWrites`: consumes a token with one UPDATE … WHERE token_hash = ? that an unknown token cannot match. */
  refusals: { as: keyof World["users"] | "anon"; fields: (w: World) => Fields; error: string | ((w: World) => string); scopedWrites?: boolean }[];
  positive: { as?: keyof World["users"]; fields: (w: World) => Fields; expect: "ok" | RegExp } | { by: string };
};
type ActionSpec = (OrgActionSpec | AccountActionSpec | PublicActionSpec) & { order: number };

const at = (path: string) => (org: { slug: string }) => `/${org.slug}${path}`;
const taskPage = (o: { slug: string; projectId: string; taskId: string }) => `/${o.slug}/projects/${o.projectId}/tasks/${o.taskId}`;

const actions: Record<string, ActionSpec> = {
  createProjectAction: {
    kind: "org", order: 1, page: at("/projects"), allowed: everyone,
    fields: (org) => [["orgId", org.id], ["name", "Attack project"]],
    positive: { as: "memberV", expect: "ok" },
  },
  renameProjectAction: {
    kind: "org", order: 2, page: at("/projects"), allowed: managers, mixed: "Project not found.",
    fields: (org, c) => [["orgId", org.id], ["projectId", c.projectId], ["name", "Renamed by attacker"]],
    positive: { as: "adminV", expect: "ok" },
  },
  createTaskAction: {
    kind: "org", order: 3, page: (o) => `/${o.slug}/projects/${o.projectId}`, allowed: everyone, mixed: "Project not found.",
    fields: (org, c) => [["orgId", org.id], ["projectId", c.projectId], ["title", "Attack task"], ["status", "todo"], ["assigneeId", ""], ["dueOn", ""]],
    positive: { as: "memberV", expect: "ok" },
  },
  createCommentAction: {
    kind: "org", order: 3.1, page: taskPage, allowed: everyone, mixed: "Task not found.",
    fields: (org, c) => [["orgId", org.id], ["taskId", c.taskId], ["body", "Attack comment"]],
    positive: { as: "memberV", expect: "ok" },
  },
  // Editing is the author's alone (each org's comment is its owner's); deleting is the author's or a manager's.
  updateCommentAction: {
    kind: "org", order: 3.2, page: taskPage, allowed: owners, forbidden: "Only its author can edit a comment.", mixed: "Comment not found.",
    fields: (org, c) => [["orgId", org.id], ["commentId", c.commentId], ["body", "Edited by attacker"]],
    positive: { as: "ownerV", expect: "ok" },
  },
  deleteCommentAction: {
    kind: "org", order: 3.3, page: taskPage, allowed: managers, forbidden: "Only its author or an admin can delete a comment.", mixed: "Comment not found.",
    fields: (org, c) => [["orgId", org.id], ["commentId", c.commentId]],
    positive: { as: "adminV", expect: "ok" },
  },
  updateTaskAction: {
    kind: "org", order: 4, page: (o) => `/${o.slug}/projects/${o.projectId}`, allowed: everyone, mixed: "Task not found.",
    fields: (org, c) => [["orgId", org.id], ["taskId", c.taskId], ["status", "done"]],
    positive: { as: "memberV", expect: "ok" },
  },
  requestReportAction: {
    kind: "org", order: 5, page: at("/data"), allowed: everyone,
    fields: (org) => [["orgId", org.id], ["kind", "tasks"]],
    positive: { as: "memberV", expect: "ok" },
  },
  importTasksAction: {
    kind: "org", order: 6, page: at("/data"), allowed: managers, mixed: "Project not found.",
    fields: (org, c) => [["orgId", org.id], ["projectId", c.projectId], ["file", csv]],
    positive: { as: "adminV", expect: "ok" },
  },
  createInvitationAction: {
    kind: "org", order: 7, page: at("/members"), allowed: managers,
    unverified: "Verify your email address before inviting anyone: open the link we sent you, or send a new one from the banner.",
    fields: (org) => [["orgId", org.id], ["email", `attack-${org.slug}@example.test`], ["role", "member"]],
    positive: { as: "adminV", expect: "ok" },
  },
  revokeInvitationAction: {
    kind: "org", order: 8, page: at("/members"), allowed: managers, mixed: "That invitation is no longer open.",
    fields: (org, c) => [["orgId", org.id], ["invitationId", c.invitationId]],
    positive: { as: "adminV", expect: "ok" },
  },
  archiveProjectAction: {
    kind: "org", order: 10, page: at("/projects"), allowed: managers, mixed: "Project not found.",
    fields: (org, c) => [["orgId", org.id], ["projectId", c.projectId], ["archived", "true"]],
    positive: { as: "adminV", expect: "ok" },
  },
  deleteTaskAction: {
    kind: "org", order: 9, page: (o) => `/${o.slug}/projects/${o.projectId}`, allowed: managers, mixed: "Task not found.",
    fields: (org, c) => [["orgId", org.id], ["taskId", c.taskId]],
    positive: { as: "adminV", expect: "ok" },
  },
  changeMemberRoleAction: {
    kind: "org", order: 11, page: at("/members"), allowed: managers, mixed: "That person is not a member of this organization.",
    fields: (org, c) => [["orgId", org.id], ["userId", c.targetUserId], ["role", "admin"]],
    positive: { as: "adminV", expect: "ok" },
  },
  removeMemberAction: {
    kind: "org", order: 12, page: at("/members"), allowed: managers, mixed: "That person is not a member of this organization.",
    fields: (org, c) => [["orgId", org.id], ["userId", c.targetUserId]],
    positive: { as: "adminV", expect: "ok" },
  },
  updateOrganizationAction: {
    kind: "org", order: 13, page: at("/settings"), allowed: managers,
    fields: (org) => [["orgId", org.id], ["name", "Taken over"], ["slug", `${org.slug}-x`]],
    positive: { as: "adminV", fields: (w) => [["orgId", w.V.id], ["name", "Victim renamed"], ["slug", w.V.slug]], expect: /\/settings\?saved=1$/ },
  },
  deleteOrganizationAction: {
    kind: "org", order: 17, page: at("/settings"), allowed: owners,
    fields: (org) => [["orgId", org.id], ["password", PASSWORD]],
    // The owner of V deletes it only at the very end, after every other cell (restore follows).
    positive: { as: "ownerV", expect: /^\/app\/deleted$/ },
  },
  restoreOrganizationAction: {
    kind: "account", order: 18, page: () => "/app/deleted",
    fields: (w) => [["orgId", w.V.id]],
    positive: { as: "ownerV", expect: /\?restored=1$/ },
  },
  updateProfileAction: {
    kind: "account", order: 14, page: (w) => `/${w.V.slug}/settings`,
    fields: () => [["name", "Renamed person"]],
    positive: { as: "memberV", expect: "ok" },
  },
  createOrganizationAction: {
    kind: "account", order: 15, page: () => "/app/new",
    fields: () => [["name", "Attack org"]],
    positive: { as: "outsider", expect: /^\/[a-z0-9-]+$/ },
  },
  resendVerificationAction: {
    kind: "account", order: 16, page: (w) => `/${w.U.slug}`,
    fields: () => [],
    positive: { as: "unverified", expect: "ok" },
  },
  changePasswordAction: {
    kind: "account", order: 19, page: (w) => `/${w.O.slug}/settings`,
    fields: () => [["currentPassword", PASSWORD], ["newPassword", "an attacker's passphrase"], ["path", "/app"]],
    positive: { as: "outsider", fields: () => [["currentPassword", PASSWORD], ["newPassword", "a brand new passphrase"], ["path", "/app"]], expect: /password=changed/ },
  },
  signOutEverywhereAction: {
    kind: "account", order: 20, page: (w) => `/${w.U.slug}/settings`,
    fields: () => [],
    positive: { as: "unverified", expect: /\/sign-in\?signedOut=everywhere$/ },
  },
  // Public by design (no session needed): refused where they must refuse; the fuzzer covers them all.
  signInAction: {
    kind: "public", order: 21, page: () => "/sign-in",
    fields: (w) => [["email", w.users.memberV.email], ["password", PASSWORD]],
    refusals: [{ as: "anon", fields: (w) => [["email", w.users.memberV.email.replace("@", "+nobody@")], ["password", "wrong password"]], error: "Incorrect email or password." }],
    positive: { fields: (w) => [["email", w.users.memberV.email], ["password", PASSWORD]], expect: /^\/app$/ },
  },
  signUpAction: {
    kind: "public", order: 22, page: () => "/sign-up", fields: () => [], refusals: [],
    positive: { by: "setup: every user of the matrix signs up through it" },
  },
  requestPasswordResetAction: {
    kind: "public", order: 23, page: () => "/forgot-password", fields: () => [], refusals: [],
    positive: { fields: () => [["email", `nobody-${randomUUID().slice(0, 8)}@example.test`]], expect: "ok" },
  },
  resetPasswordAction: {
    kind: "public", order: 24, page: () => "/reset-password", fields: () => [],
    refusals: [{ as: "anon", fields: () => [["token", "A".repeat(43)], ["password", "an attacker's passphrase"]], error: "This link is invalid, expired or already used. Request a new one.", scopedWrites: true }],
    positive: { by: "e2e/account-safety.spec.ts (the pre-account hijack story resets a password)" },
  },
  verifyEmailAction: {
    kind: "public", order: 25, page: () => "/verify-email", fields: () => [],
    refusals: [{ as: "outsider", fields: () => [["token", "A".repeat(43)]], error: "This link is invalid, expired or already used. Request a new one.", scopedWrites: true }],
    positive: { by: "setup: the owners verify their addresses through it" },
  },
  retryDeadEventsAction: {
    kind: "public", order: 40, page: () => "/admin/jobs", fields: () => [],
    // Platform admins only; anyone else is told nothing exists (the page answers them 404).
    refusals: [
      { as: "ownerV", fields: () => [["eventId", "all"]], error: "Not found." },
      { as: "ghost", fields: () => [["eventId", "all"]], error: SESSION_ENDED },
      { as: "outsider", fields: () => [["eventId", randomUUID()]], error: "Not found." },
    ],
    positive: { by: "e2e/observability.spec.ts (a platform admin retries an undelivered event)" },
  },
  acceptInvitationAction: {
    kind: "public", order: 26, page: (w) => `/invite/${w.V.invitationToken}`, fields: () => [],
    refusals: [
      { as: "anon", fields: (w) => [["token", w.V.invitationToken]], error: "Please sign in again." },
      { as: "ghost", fields: (w) => [["token", w.V.invitationToken]], error: "Please sign in again." },
      { as: "outsider", fields: (w) => [["token", w.V.invitationToken]], error: (w) => `This invitation was sent to ${w.V.invitationEmail}. Sign in with that address to accept it.` },
      { as: "unverified", fields: (w) => [["token", w.V.invitationToken]], error: (w) => `This invitation was sent to ${w.V.invitationEmail}. Sign in with that address to accept it.` },
    ],
    positive: { by: "setup: the admin, the member and the bystander join the victim organization through it" },
  },
  signOutAction: {
    kind: "public", order: 27, page: () => "/", fields: () => [], args: '["$K1"]', refusals: [],
    positive: { by: "setup: the signed-out session (ghost) is signed out through it" },
  },
  signInWithProviderAction: {
    kind: "public", order: 28, page: () => "/sign-in", fields: () => [], args: '["$K1"]',
    refusals: [],
    positive: { by: "no OAuth provider is configured in e2e; an unknown provider goes back to /sign-in (fuzzer)" },
  },
};

// ---- the table: every route handler (paths as in app-paths-manifest, route groups dropped) --------------------------

/**
 * `fuzz`: the URLs the fuzzer sends to it (malformed ids, queries, path segments), drawn with `g`; every route is fuzzed
 * ROUTE_CASES times, so a route added to the table is fuzzed as soon as it is there.
 */
type RouteSpec = { methods: string[]; public?: string; refusal?: "report" | "metrics" | "inngest"; fuzz: (g: Draw, w: World) => string };
const routes: Record<string, RouteSpec> = {
  "/[org]/data/reports/[reportId]/download": {
    methods: ["GET"],
    refusal: "report",
    fuzz: (g, { V, O }) =>
      pick(g, [
        () => `/${V.slug}/data/reports/${urlPart(draw(g, badUuid))}/download`,
        () => `/${urlPart(draw(g, anyMalformed))}/data/reports/${V.reportId}/download`,
        () => `/${O.slug}/data/reports/${V.reportId}/download?${urlPart(draw(g, crlf))}`,
      ])(),
  },
  "/api/metrics": { methods: ["GET"], refusal: "metrics", fuzz: (g) => `/api/metrics?${urlPart(draw(g, anyMalformed))}` },
  "/api/inngest": {
    methods: ["GET", "POST", "PUT"],
    refusal: "inngest",
    fuzz: (g) => `/api/inngest?fnId=${urlPart(draw(g, anyMalformed))}&stepId=${urlPart(draw(g, unicode))}`,
  },
  "/api/auth/[...nextauth]": {
    methods: ["GET", "POST"],
    public: "Auth.js: sessions, CSRF, callbacks",
    fuzz: (g) =>
      pick(g, [
        () => `/api/auth/${pick(g, ["session", "csrf", "providers", "callback/credentials", "signin", "signout", "callback/github"])}`,
        () => `/api/auth/${urlPart(draw(g, anyMalformed))}?callbackUrl=${urlPart(draw(g, crlf))}`,
      ])(),
  },
  "/api/health": { methods: ["GET"], public: "liveness probe", fuzz: (g) => `/api/health?${urlPart(draw(g, anyMalformed))}` },
  "/api/ready": { methods: ["GET"], public: "readiness probe", fuzz: (g) => `/api/ready?${urlPart(draw(g, anyMalformed))}` },
  "/icon.svg": { methods: ["GET"], public: "the favicon", fuzz: (g) => `/icon.svg?${urlPart(draw(g, oversize))}` },
  "/icons.svg": {
    methods: ["GET"],
    public: "the icon sprite",
    fuzz: (g) => pick(g, [() => `/icons.svg?v=${urlPart(draw(g, anyMalformed))}`, () => `/icons.svg?${urlPart(draw(g, oversize))}`])(),
  },
};

/**
 * A URL cannot carry a lone surrogate (the generators make them, and a cut can leave half a pair): as U+FFFD, which is
 * what a browser would send.
 */
function urlPart(s: string): string {
  return encodeURIComponent(s.slice(0, 3000).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"));
}

// ---- setup, through the same HTTP the attacker uses -----------------------------------------------------------------

let client: Client;
let rows: RowSnapshots;
let world: World;
const manifest = readManifest();
const actionId = (name: string) => {
  const found = manifest.actions.find((a) => a.name === name);
  if (!found) throw new Error(`${name} is not in the build's server-reference-manifest`);
  return found.id;
};

async function mailboxLink(to: string, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const page = await client.request("/dev/mailbox");
    // Each message up to its own </article>: the last one would otherwise run on into the page's RSC payload, which
    // repeats every message's text, so a mail to `to` not delivered yet matched the last message's link (a stranger's
    // invitation, when earlier suites filled the mailbox).
    for (const article of page.text.split("<article").slice(1).map((chunk) => chunk.split("</article>")[0]!)) {
      if (!article.includes(to)) continue;
      const href = /href="([^"]+)"/.exec(article)?.[1]?.replace(/&amp;/g, "&");
      if (href && pattern.test(href)) return href;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} with a link like ${pattern}`);
}

async function signUp(name: string): Promise<User & { slug: string }> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`;
  const answer = await client.action(actionId("signUpAction"), [["name", name], ["email", email], ["password", PASSWORD]], { path: "/sign-up" });
  const cookie = sessionCookie(answer.setCookie);
  expect(cookie, `sign-up of ${name}: ${answer.status} ${answer.text.slice(-300)}`).toBeTruthy();
  const slug = new URL(answer.location!, client.baseURL).pathname.slice(1);
  const session = JSON.parse((await client.request("/api/auth/session", { cookie })).text) as { user: { id: string } };
  return { name, email, id: session.user.id, cookie: cookie!, slug };
}

async function verify(user: User) {
  const link = await mailboxLink(user.email, /\/verify-email\?token=/);
  const token = new URL(link).searchParams.get("token")!;
  const answer = await client.action(actionId("verifyEmailAction"), [["token", token]], { cookie: user.cookie, path: "/verify-email" });
  expect(answer.location, `verification of ${user.email}`).toMatch(/verified=1/);
}

async function orgIdOf(user: User, slug: string): Promise<string> {
  const page = await client.request(`/${slug}/projects`, { cookie: user.cookie });
  const id = /name="orgId" value="([0-9a-f-]{36})"/.exec(page.text)?.[1];
  expect(id, `orgId on /${slug}/projects`).toBeTruthy();
  return id!;
}

async function ok(name: string, user: User, fields: Fields, path: string): Promise<unknown> {
  const answer = await client.action(actionId(name), fields, { cookie: user.cookie, path });
  expect(answer.state?.ok, `${name} as ${user.name}: ${answer.status} ${JSON.stringify(answer.state) ?? answer.text.slice(-300)}`).toBe(true);
  return (answer.state as { data: unknown }).data;
}

async function invite(owner: User, org: { id: string; slug: string }, email: string, role: Role): Promise<{ id: string; token: string }> {
  const { id } = (await ok("createInvitationAction", owner, [["orgId", org.id], ["email", email], ["role", role]], `/${org.slug}/members`)) as { id: string };
  const link = await mailboxLink(email, /\/invite\//);
  return { id, token: new URL(link).pathname.split("/").pop()! };
}

async function join(user: User, token: string) {
  const answer = await client.action(actionId("acceptInvitationAction"), [["token", token]], { cookie: user.cookie, path: `/invite/${token}` });
  expect(answer.location, `${user.name} joins: ${JSON.stringify(answer.state)}`).toBeTruthy();
}

async function fillOrg(owner: User, org: { id: string; slug: string }, targetUserId: string): Promise<Org> {
  const project = (await ok("createProjectAction", owner, [["orgId", org.id], ["name", `Plans of ${org.slug}`]], `/${org.slug}/projects`)) as { id: string };
  const task = (await ok("createTaskAction", owner, [["orgId", org.id], ["projectId", project.id], ["title", "Secret task"]], `/${org.slug}/projects/${project.id}`)) as { id: string };
  const comment = (await ok("createCommentAction", owner, [["orgId", org.id], ["taskId", task.id], ["body", "Secret comment"]], taskPage({ slug: org.slug, projectId: project.id, taskId: task.id }))) as { id: string };
  const invitationEmail = `pending-${randomUUID().slice(0, 8)}@example.test`;
  const invitation = await invite(owner, org, invitationEmail, "member");
  const report = (await ok("requestReportAction", owner, [["orgId", org.id], ["kind", "tasks"]], `/${org.slug}/data`)) as { reportId: string };
  return { ...org, projectId: project.id, taskId: task.id, commentId: comment.id, invitationId: invitation.id, invitationToken: invitation.token, invitationEmail, reportId: report.reportId, targetUserId };
}

/** Until the server has stopped writing (mail, reports, outbox dispatch of the setup): two quiet scrapes in a row. */
async function waitForQuiet() {
  let previous = await scrapeCounters(client);
  for (let attempt = 0; attempt < 60; attempt++) {
    await new Promise((r) => setTimeout(r, 500));
    const current = await scrapeCounters(client);
    const d = diffCounters(previous, current);
    if (d.insert + d.update + d.delete === 0 && !(await rows.jobsBusy())) return;
    previous = current;
  }
  throw new Error("the server kept writing for 30 s: cannot measure 'nothing changed'");
}

const orgIds = () => [world.V.id, world.O.id, world.U.id];
const userIds = () => Object.values(world.users).map((u) => u.id);

// ---- "nothing changed" ----------------------------------------------------------------------------------------------

/**
 * Sends `send` and proves it changed nothing: no INSERT, UPDATE or DELETE reached the database (the server's own
 * counters), and with DATABASE_URL, the rows of the test's orgs and users hash the same before and after.
 * `scopedWrites`: a write guarded by the org (UPDATE … WHERE id = ? AND org_id = ?) may run and match nothing — in
 * the services that do so, it is followed by the activity INSERT in the same transaction, so "no INSERT" still proves
 * the transaction rolled back. A background job finishing meanwhile invalidates the window: it is measured again.
 */
async function unchanged(label: string, send: () => Promise<Answer>, { scopedWrites = false } = {}): Promise<Answer> {
  let last = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    const windowStart = new Date(Date.now() - 1000);
    const before = await scrapeCounters(client);
    const rowsBefore = await rows.take(orgIds(), userIds());
    const answer = await send();
    const rowsAfter = await rows.take(orgIds(), userIds());
    const after = await scrapeCounters(client);
    const windowEnd = new Date(Date.now() + 1000);
    const d = diffCounters(before, after);
    const wrote = d.insert > 0 || (!scopedWrites && d.update + d.delete > 0);
    const changedTables = rowsBefore && rowsAfter ? Object.keys(rowsBefore).filter((t) => rowsBefore[t] !== rowsAfter[t]) : [];
    if (!wrote && changedTables.length === 0) return answer;
    last = `${JSON.stringify(d)} changed tables ${JSON.stringify(changedTables)}; answer ${answer.status} ${answer.location ?? ""} ${JSON.stringify(answer.state) ?? answer.text.slice(0, 200).replace(/\s+/g, " ")}`;
    // Measured again only when background work explains the write: a job finished in the window (its run is counted
    // when it ends) or is running (a job of the setup, or the re-dispatcher working off events an earlier suite left
    // pending: its dispatch UPDATE comes a moment before the run starts, hence the second look). Otherwise the refused
    // request wrote, and that fails at once, even if it would not write a second time (a token consumed once).
    // Cron ticks claimed in the window explain as many INSERTs and nothing else: this server's claim of a tick that
    // another process (the dev server on the same database) claimed first is an INSERT that starts no run (seen in CI
    // as two INSERTs at a minute's turn, the two every-minute functions). Not a changed row of the test's orgs or users,
    // an UPDATE or a DELETE.
    const ticks = changedTables.length === 0 && d.update + d.delete === 0 ? await rows.cronTicksBetween(windowStart, windowEnd) : 0;
    let explained = ticks > 0 && d.insert <= ticks;
    for (const wait of explained ? [] : [300, 1000]) {
      await new Promise((r) => setTimeout(r, wait));
      if ((await scrapeCounters(client)).jobs !== before.jobs || (await rows.jobsBusy())) {
        explained = true;
        break;
      }
    }
    if (!explained) break;
    await waitForQuiet();
  }
  throw new Error(`${label} changed something: ${last}`);
}

type Refusal = { redirectToSignIn: true } | { error: string } | { status: number[] };

function expectRefused(label: string, answer: Answer, refusal: Refusal) {
  const shown = `${label} → ${answer.status} ${answer.location ?? ""} ${JSON.stringify(answer.state) ?? answer.text.slice(0, 200)}`;
  if ("redirectToSignIn" in refusal) {
    expect([303, 307], shown).toContain(answer.status);
    expect(answer.location ?? "", shown).toMatch(/^(https?:\/\/[^/]+)?\/sign-in(\?|$)/);
  } else if ("error" in refusal) {
    expect(answer.status, shown).toBe(200);
    expect(answer.location, shown).toBeNull();
    expect(answer.state, shown).toMatchObject({ ok: false, error: refusal.error });
  } else {
    expect(refusal.status, shown).toContain(answer.status);
  }
}

// ---- the tests ------------------------------------------------------------------------------------------------------

test("every server action and route handler of the build is in the attack tables", () => {
  const missingActions = manifest.actions.map((a) => `${a.name} (${a.file})`).filter((a) => !(a.split(" ")[0]! in actions));
  const staleActions = Object.keys(actions).filter((name) => !manifest.actions.some((a) => a.name === name));
  const missingRoutes = manifest.routes.filter((r) => !(r in routes));
  const staleRoutes = Object.keys(routes).filter((r) => !manifest.routes.includes(r));
  expect(missingActions, "server actions missing from e2e/attack.spec.ts: add each to `actions` with who may call it").toEqual([]);
  expect(missingRoutes, "route handlers missing from e2e/attack.spec.ts: add each to `routes`").toEqual([]);
  expect(staleActions, "entries in `actions` that the build no longer has").toEqual([]);
  expect(staleRoutes, "entries in `routes` that the build no longer has").toEqual([]);
});

// ---- (b) the fuzzer -------------------------------------------------------------------------------------------------

const SEED = Number(process.env.ATTACK_SEED ?? 0x5eed_a77c);
const CASES_PER_ACTION = 12;
const ROUTE_CASES = 10;

// envelope: the request is not what React sends (argument row, content type): proxy.ts refuses it (4xx, with a
// message) before Next's decoder sees it (lib/security/action-request.ts).
type FuzzCase = { label: string; send: () => Promise<Answer>; envelope?: boolean };

/** Draws from fast-check arbitraries: `fc.sample(fc.gen(), { seed })`, one source for every case of the run. */
type Draw = fc.GeneratorValue;
const pick = <T,>(g: Draw, items: readonly T[]): T => g(() => fc.constantFrom(...items));
const int = (g: Draw, max: number): number => g(fc.nat, max - 1);
const draw = <T,>(g: Draw, arbitrary: fc.Arbitrary<T>): T => g(() => arbitrary);

/** A field of a well-formed call, replaced by something malformed (or sent twice: an array for a scalar). */
function mutateFields(g: Draw, fields: Fields, gen: fc.Arbitrary<string>): { fields: Fields; what: string } {
  if (fields.length === 0) return { fields: [["unexpected", draw(g, gen)]], what: "an unexpected field" };
  const index = int(g, fields.length);
  const [key] = fields[index]!;
  if (int(g, 5) === 0) return { fields: [...fields, [key, draw(g, gen)]], what: `${key} twice (array for a scalar)` };
  return { fields: fields.map(([k, v], i): Fields[number] => [k, i === index ? draw(g, gen) : v]), what: `${key} malformed` };
}

/** Ids replaced by non-ids: whatever else is sent, the privileged caller's request cannot be valid. */
function breakIds(g: Draw, fields: Fields): Fields {
  return fields.map(([k, v]): Fields[number] => [k, /Id$|^token$/.test(k) ? draw(g, badUuid) : v]);
}

function fuzzCases(seed: number): FuzzCase[] {
  const [g] = fc.sample(fc.gen(), { seed, numRuns: 1 });
  const rng = g!;
  const { users, V, O } = world;
  const cases: FuzzCase[] = [];
  const generators: [string, fc.Arbitrary<string>][] = [["oversize", oversize], ["unicode", unicode], ["crlf", crlf], ["bad uuid", badUuid], ["any", anyMalformed]];
  for (const [name, spec] of Object.entries(actions)) {
    const base: Fields = spec.kind === "org" ? spec.fields(V, V) : spec.kind === "account" ? spec.fields(world) : (spec.refusals[0]?.fields(world) ?? spec.fields(world));
    const path = spec.kind === "org" ? spec.page(V) : spec.page(world);
    // Who sends it: anyone for the refused streams; the victim's owner only with broken ids (never a valid change),
    // and never for the session-ending or password actions (a success there would end the setup's sessions).
    const destructive = ["signOutAction", "signOutEverywhereAction", "changePasswordAction", "deleteOrganizationAction", "signUpAction", "requestPasswordResetAction", "signInAction", "createOrganizationAction", "updateProfileAction", "resendVerificationAction"].includes(name);
    for (let i = 0; i < CASES_PER_ACTION; i++) {
      const [genName, gen] = pick(rng, generators);
      const caller = pick(rng, name === "signOutAction" ? [null] : destructive ? [null, users.ghost] : [null, users.ghost, users.outsider, users.unverified, users.ownerV, users.ownerV, users.memberV]);
      const mutated = mutateFields(rng, base, gen);
      const privileged = caller === users.ownerV || caller === users.memberV;
      const fields = privileged ? breakIds(rng, mutated.fields) : mutated.fields;
      const shape = int(rng, 8);
      const who = caller?.name ?? "signed out";
      if (shape === 0) {
        const args = draw(rng, badArgs);
        const argFields = privileged ? breakIds(rng, base) : base;
        cases.push({ label: `${name} as ${who}: argument row ${JSON.stringify(args)?.slice(0, 40)}`, send: () => client.action(actionId(name), argFields, { cookie: caller?.cookie, path, args }), envelope: true });
      } else if (shape === 1) {
        const [contentType, body] = pick(rng, [
          ["application/json", JSON.stringify(Object.fromEntries(fields))],
          ["text/plain;charset=UTF-8", '[null,"$K1"]'],
          ["application/x-www-form-urlencoded", new URLSearchParams(fields.map(([k, v]) => [`_1_${k}`, typeof v === "string" ? v : v.content])).toString() + "&0=%5Bnull%2C%22%24K1%22%5D"],
          ["multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\n[null,\"$K1\"]\r\n--x--\r\n"],
          ["multipart/form-data; boundary=nope", "--x\r\n\r\n"],
          ["", ""],
        ] as const);
        cases.push({ label: `${name} as ${who}: content-type ${JSON.stringify(contentType)}`, send: () => client.action(actionId(name), [], { cookie: caller?.cookie, path, body, contentType }), envelope: true });
      } else {
        cases.push({ label: `${name} as ${who}: ${genName}, ${mutated.what}`, send: () => client.action(actionId(name), fields, { cookie: caller?.cookie, path, args: spec.kind === "public" ? spec.args : undefined }) });
      }
    }
  }
  // Every route handler, ROUTE_CASES times each, with methods it has and methods it has not; then the pages that read
  // cursors and ids from the URL.
  const pages = (g: Draw) =>
    pick(g, [
      () => `/${V.slug}/projects?view=archived&cursor=${urlPart(draw(g, badCursor))}`,
      () => `/${V.slug}/projects/${V.projectId}?cursor=${urlPart(draw(g, badCursor))}&status=${urlPart(draw(g, unicode))}&assignee=${urlPart(draw(g, badUuid))}`,
      () => `/${V.slug}/projects/${V.projectId}?q=${urlPart(draw(g, anyMalformed))}`,
      () => `/${V.slug}/projects/${urlPart(draw(g, badUuid))}`,
      () => `/invite/${urlPart(draw(g, badUuid))}AAAAAAAAAAAAAAAA`,
      () => `/${V.slug}/members?page=${urlPart(draw(g, anyMalformed))}`,
    ])();
  const targets: [string, (g: Draw) => string][] = [...Object.entries(routes).map(([route, spec]): [string, (g: Draw) => string] => [route, (g) => spec.fuzz(g, world)]), ["pages", pages]];
  for (const [route, url] of targets) {
    for (let i = 0; i < ROUTE_CASES; i++) {
      const caller = pick(rng, [null, users.ghost, users.outsider, users.memberV, users.ownerV]);
      const method = pick(rng, ["GET", "GET", "POST", "PUT", "DELETE", "PATCH"]);
      const path = url(rng);
      const headers = pick<Record<string, string>>(rng, [
        {},
        { authorization: `Bearer ${draw(rng, crlf).replace(/[^\x20-\x7e]/g, " ")}` }, // what fetch lets through
        { "content-type": "application/json" },
        { "content-type": "multipart/form-data" },
      ]);
      const body = method === "GET" ? undefined : pick(rng, ["", "{", "null", JSON.stringify({ orgId: [V.id, O.id] }), draw(rng, oversize).slice(0, 200_000)]);
      cases.push({ label: `${route}: ${method} ${path.slice(0, 120)} as ${caller?.name ?? "signed out"}`, send: () => client.request(path, { method, cookie: caller?.cookie, headers, body }) });
    }
  }
  return cases;
}

test.describe("attacks", () => {
  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(180_000);
    client = new Client(baseURL!);
    rows = new RowSnapshots();
    await rows.startClock();

    const [ownerV, adminV, memberV, bystander, outsider, unverified, ghost] = await Promise.all(
      ["Victoria", "Adam", "Mia", "Bea", "Oscar", "Uma", "Gus"].map((name) => signUp(name)),
    );
    await verify(ownerV!);
    await verify(outsider!);
    const v = { id: await orgIdOf(ownerV!, ownerV!.slug), slug: ownerV!.slug };
    const o = { id: await orgIdOf(outsider!, outsider!.slug), slug: outsider!.slug };
    const u = { id: await orgIdOf(unverified!, unverified!.slug), slug: unverified!.slug };
    for (const [user, role] of [[adminV!, "admin"], [memberV!, "member"], [bystander!, "member"]] as const) {
      await join(user, (await invite(ownerV!, v, user.email, role)).token);
    }
    const V = await fillOrg(ownerV!, v, bystander!.id);
    const O = await fillOrg(outsider!, o, outsider!.id);
    // A session that was signed out: its cookie still decodes (the proxy lets it through), the server must refuse it.
    const signedOut = await client.action(actionId("signOutAction"), [], { cookie: ghost!.cookie, path: "/", args: '["$K1"]' });
    expect(signedOut.location, "sign-out").toBeTruthy();
    world = { users: { ownerV: ownerV!, adminV: adminV!, memberV: memberV!, bystander: bystander!, outsider: outsider!, unverified: unverified!, ghost: ghost! }, V, O, U: u };
    await waitForQuiet();
  });

  test.afterAll(async () => {
    await rows?.close();
  });

  test("authorization matrix: every action refuses every wrong caller and changes nothing", async () => {
    test.setTimeout(180_000);
    const { users, V, O, U } = world;
    const insiders = { owner: users.ownerV, admin: users.adminV, member: users.memberV } as const;
    let cells = 0;
    const cell = async (label: string, name: string, user: User | null, fields: Fields, path: string, refusal: Refusal, options: { scopedWrites?: boolean; args?: string } = {}) => {
      const answer = await unchanged(label, () => client.action(actionId(name), fields, { cookie: user?.cookie, path, args: options.args }), options);
      expectRefused(label, answer, refusal);
      cells++;
    };

    for (const [name, spec] of Object.entries(actions).sort(([, a], [, b]) => a.order - b.order)) {
      if (spec.kind === "org") {
        const page = spec.page(V);
        await cell(`${name} signed out`, name, null, spec.fields(V, V), page, { redirectToSignIn: true });
        await cell(`${name} signed-out session`, name, users.ghost, spec.fields(V, V), page, { error: SESSION_ENDED });
        await cell(`${name} unverified, victim's ids`, name, users.unverified, spec.fields(V, V), page, { error: ORG_NOT_FOUND });
        await cell(`${name} other org's member, victim's ids`, name, users.outsider, spec.fields(V, V), spec.page(O), { error: ORG_NOT_FOUND });
        if (spec.mixed) {
          await cell(`${name} other org's owner, own orgId + victim's ids`, name, users.outsider, spec.fields(O, V), spec.page(O), { error: spec.mixed }, { scopedWrites: true });
        }
        if (spec.unverified) {
          await cell(`${name} unverified, own workspace`, name, users.unverified, spec.fields({ ...O, id: U.id, slug: U.slug }, O), `/${U.slug}`, { error: spec.unverified });
        }
        for (const [role, user] of Object.entries(insiders) as [Role, User][]) {
          await cell(`${name} ${role} of the victim, other org's ids`, name, user, spec.fields(O, O), page, { error: ORG_NOT_FOUND });
          if (!spec.allowed.includes(role)) {
            await cell(`${name} ${role} of the victim, own ids`, name, user, spec.fields(V, V), page, { error: spec.forbidden ?? FORBIDDEN });
          } else if (spec.mixed) {
            await cell(`${name} ${role} of the victim, own orgId + other org's ids`, name, user, spec.fields(V, O), page, { error: spec.mixed }, { scopedWrites: true });
          }
        }
      } else if (spec.kind === "account") {
        await cell(`${name} signed out`, name, null, spec.fields(world), spec.page(world), { redirectToSignIn: true });
        await cell(`${name} signed-out session`, name, users.ghost, spec.fields(world), spec.page(world), { error: SESSION_ENDED });
      } else {
        for (const refusal of spec.refusals) {
          const user = refusal.as === "anon" ? null : users[refusal.as];
          const error = typeof refusal.error === "string" ? refusal.error : refusal.error(world);
          await cell(`${name} as ${refusal.as}`, name, user, refusal.fields(world), spec.page(world), { error }, { args: spec.args, scopedWrites: refusal.scopedWrites });
        }
      }
    }

    // restoreOrganization: only the owner of a deleted org; V is not deleted, and nobody else may touch it.
    for (const user of [users.outsider, users.unverified, users.adminV, users.memberV]) {
      await cell(`restoreOrganizationAction by ${user.name}`, "restoreOrganizationAction", user, [["orgId", V.id]], "/app/deleted", { error: ORG_NOT_FOUND });
    }

    // Route handlers.
    const reportPath = (slug: string, reportId: string) => `/${slug}/data/reports/${reportId}/download`;
    const get = (path: string, user: User | null, headers: Record<string, string> = {}) => () => client.request(path, { cookie: user?.cookie, headers });
    for (const [label, user, path, refusal] of [
      ["report: signed out", null, reportPath(V.slug, V.reportId), { redirectToSignIn: true }],
      ["report: signed-out session", users.ghost, reportPath(V.slug, V.reportId), { redirectToSignIn: true }],
      ["report: unverified", users.unverified, reportPath(V.slug, V.reportId), { status: [404] }],
      ["report: other org's member", users.outsider, reportPath(V.slug, V.reportId), { status: [404] }],
      ["report: other org's owner, own org + victim's report", users.outsider, reportPath(O.slug, V.reportId), { status: [404] }],
      ["report: victim's owner, other org's report", users.ownerV, reportPath(O.slug, O.reportId), { status: [404] }],
      ["report: victim's member, own org + other org's report", users.memberV, reportPath(V.slug, O.reportId), { status: [404] }],
      ...[null, users.memberV, users.ownerV, users.outsider].map((user) => [`metrics: ${user?.name ?? "signed out"} without the token`, user, "/api/metrics", { status: [401] }] as const),
    ] as [string, User | null, string, Refusal][]) {
      expectRefused(label, await unchanged(label, get(path, user)), refusal);
      cells++;
    }
    for (const method of routes["/api/inngest"]!.methods) {
      for (const user of [null, users.ownerV]) {
        const label = `inngest ${method} as ${user?.name ?? "signed out"}`;
        const answer = await unchanged(label, () => client.request("/api/inngest", { method, cookie: user?.cookie, body: method === "GET" ? undefined : "{}", headers: { "content-type": "application/json" } }));
        // Not served without Inngest configured (zero-setup), signature required when it is.
        expectRefused(label, answer, { status: [401, 404] });
        cells++;
      }
    }
    test.info().annotations.push({ type: "cells", description: `${cells} refused cells, row snapshots ${rows.enabled ? "on" : "off (write counters only)"}` });
    console.log(`attack matrix: ${cells} refused cells; row snapshots ${rows.enabled ? "on (DATABASE_URL)" : "off: embedded database, write counters only"}`);
  });

  test("positive controls: the role that is allowed, with ids of its own organization, succeeds", async () => {
    test.setTimeout(120_000);
    const { users, V } = world;
    // Fresh things to act on, so each control changes something real.
    const project = (await ok("createProjectAction", users.ownerV, [["orgId", V.id], ["name", "Controls"]], `/${V.slug}/projects`)) as { id: string };
    const task = (await ok("createTaskAction", users.ownerV, [["orgId", V.id], ["projectId", project.id], ["title", "Control task"]], `/${V.slug}/projects/${project.id}`)) as { id: string };
    const comment = (await ok("createCommentAction", users.ownerV, [["orgId", V.id], ["taskId", task.id], ["body", "Control comment"]], taskPage({ ...V, projectId: project.id, taskId: task.id }))) as { id: string };
    const controlOrg: Org = { ...V, projectId: project.id, taskId: task.id, commentId: comment.id };

    for (const [name, spec] of Object.entries(actions).sort(([, a], [, b]) => a.order - b.order)) {
      const positive = spec.positive;
      if ("by" in positive) continue;
      const user = positive.as ? users[positive.as] : undefined;
      const fields = positive.fields?.(world) ?? (spec.kind === "org" ? spec.fields(controlOrg, controlOrg) : spec.fields(world));
      const path = spec.kind === "org" ? spec.page(controlOrg) : spec.page(world);
      const before = await scrapeCounters(client);
      const answer = await client.action(actionId(name), fields, { cookie: user?.cookie, path, args: spec.kind === "public" ? spec.args : undefined });
      const shown = `${name} as ${positive.as ?? "anyone"} → ${answer.status} ${answer.location ?? ""} ${JSON.stringify(answer.state) ?? answer.text.slice(0, 200)}`;
      if (positive.expect === "ok") {
        expect(answer.state, shown).toMatchObject({ ok: true });
      } else {
        expect(new URL(answer.location ?? "http://x/none", client.baseURL).pathname + new URL(answer.location ?? "http://x/none", client.baseURL).search, shown).toMatch(positive.expect);
      }
      if (spec.kind !== "public") {
        const d = diffCounters(before, await scrapeCounters(client));
        expect(d.insert + d.update + d.delete, `${shown}: the control wrote nothing`).toBeGreaterThan(0);
      }
    }

    // The report download: a member of its org gets the CSV.
    const download = await client.request(`/${V.slug}/data/reports/${V.reportId}/download`, { cookie: users.memberV.cookie });
    expect(download.status, download.text.slice(0, 200)).toBe(200);
    expect(download.contentType).toMatch(/text\/csv/);
    expect((await client.request("/api/metrics", { headers: { authorization: "Bearer e2e-metrics-token-0123456789" } })).status).toBe(200);
    for (const path of ["/api/health", "/api/auth/session", "/icon.svg"]) expect((await client.request(path)).status, path).toBe(200);
  });

  test("fuzzer: malformed input to every action and route handler: no 500, nothing changed", async () => {
    test.setTimeout(180_000);
    const cases = fuzzCases(SEED);
    const failures: string[] = [];
    let refusedByProxy = 0;
    const errorsBefore = await scrapeCounters(client);
    for (const [index, fuzz] of cases.entries()) {
      const label = `case ${index} (seed ${SEED}): ${fuzz.label}`;
      try {
        const answer = await unchanged(label, fuzz.send, { scopedWrites: true });
        const error = answer.state && answer.state.ok === false ? answer.state.error : "";
        const shown = `${label} → ${answer.status} ${JSON.stringify(answer.state) ?? answer.text.slice(0, 300).replace(/\s+/g, " ")}`;
        if (answer.state?.ok === true) {
          failures.push(`${shown}: accepted`);
        } else if (/Something went wrong/.test(error ?? "")) {
          failures.push(`${shown}: an unexpected error in the app`);
        } else if (answer.status >= 500) {
          failures.push(`${shown}: a server error`);
        } else if (fuzz.envelope && answer.status >= 400 && !answer.state) {
          // proxy.ts's refusal of a request React never sends: a 4xx with a message (lib/security/action-request.ts).
          if (!answer.contentType.startsWith("text/plain") || answer.text.trim().length < 10) failures.push(`${shown}: a refusal without its message`);
          else refusedByProxy++;
        }
      } catch (error) {
        failures.push((error as Error).message.slice(0, 500));
      }
    }
    const errors = diffCounters(errorsBefore, await scrapeCounters(client)).errors;
    console.log(`fuzzer: ${cases.length} cases (${cases.filter((c) => c.envelope).length} malformed envelopes, ${refusedByProxy} refused by the proxy), seed ${SEED} (ATTACK_SEED=${SEED} replays them)`);
    for (const failure of failures) console.log(`fuzzer failure: ${failure}`);
    expect(failures, `seed ${SEED} — rerun with ATTACK_SEED=${SEED}; ${failures.length} failed: ${failures.map((f) => f.slice(0, 300)).join(" | ")}`).toEqual([]);
    expect(errors, `unhandled server errors during the fuzz (http_server_errors_total), seed ${SEED}`).toBe(0);
  });
});

export type { Counters };
