import { decodeActionState, multipart } from "../e2e/attack-client";
import { percentile } from "./lib";

// The cluster proofs' load: what a SaaS's traffic looks like, per connection in a loop: the anonymous landing page,
// then as one of many signed-in users their dashboard, a project's task list, and a task created through the server
// action as the browser posts it. Every answer is checked: transport errors, statuses other than the page's expected
// one, and actions whose answer is not `ok` all count as failed, by kind. Each created task carries a unique title,
// and the titles of the acknowledged ones are kept, so a lost write is one acknowledged title missing from the table.
//
// Not autocannon: its request pipelines hand a response body to another request's callback now and then (seen as
// page HTML given to the action's callback), and here every single answer is the measurement. `connections`
// workers, each with its own keep-alive connection, each awaiting its answer before the next request.

export type LoadUser = { cookie: string; orgId: string; orgSlug: string; projectId: string; teammateId?: string };

export type MixResult = {
  seconds: number;
  requests: number;
  requestsPerSec: number;
  failed: number;
  failures: Record<string, number>;
  acknowledgedWrites: number;
  /** Titles of the tasks whose creation was acknowledged (`ok` answer). */
  acknowledgedTitles: string[];
  /** Those of them assigned to the user's teammate (each an event and an email). */
  assignedTitles: string[];
  /** The longest a failed request took to fail (0 without failures): a failure must be fast, never a hang. */
  slowestFailureMs: number;
  /** The longest any request took. */
  slowestMs: number;
  /** Error answers (statuses other than 200) by status, and how many of them lacked the security headers. */
  errorAnswers: Record<string, number>;
  errorAnswersWithoutSecurityHeaders: number;
  p50: number;
  p95: number;
  p99: number;
  byPage: Record<string, number>;
};

export type RunningLoad = {
  stop: () => Promise<MixResult>;
  /** From now on, the next `n` tasks each user creates are assigned to their teammate (each an event and an email). */
  assign: (n: number) => void;
};

type Step = { page: string; request: (user: LoadUser, title: string, assignee?: string) => { path: string; init: RequestInit } };

const BOUNDARY = "----anatomyload";

const STEPS: Step[] = [
  { page: "landing", request: () => ({ path: "/", init: {} }) },
  { page: "dashboard", request: (u) => ({ path: `/${u.orgSlug}`, init: { headers: { cookie: u.cookie } } }) },
  { page: "task list", request: (u) => ({ path: `/${u.orgSlug}/projects/${u.projectId}`, init: { headers: { cookie: u.cookie } } }) },
  { page: "create task", request: (u, title, assignee = "") => createTaskRequest(u, title, assignee, "") },
];

/** A task created through the server action as the browser posts it (`actionId`: createTaskAction's, from the build). */
export function createTaskRequest(u: LoadUser, title: string, assignee: string, actionId: string): { path: string; init: RequestInit } {
  return actionRequest(u, actionId, [
    ["_1_orgId", u.orgId],
    ["_1_projectId", u.projectId],
    ["_1_title", title],
    ["_1_status", "todo"],
    ["_1_assigneeId", assignee],
    ["_1_dueOn", ""],
  ]);
}

/** A server action of the project page, posted as the browser does: `fields` as FormData, the state argument first. */
export function actionRequest(u: LoadUser, actionId: string, fields: [string, string][]): { path: string; init: RequestInit } {
  return {
    path: `/${u.orgSlug}/projects/${u.projectId}`,
    init: {
      method: "POST",
      headers: {
        cookie: u.cookie,
        accept: "text/x-component",
        "next-action": actionId, // "" in STEPS: filled in by startMixedLoad
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      },
      body: multipart([...fields, ["0", '[null,"$K1"]']], BOUNDARY),
    },
  };
}

/** Starts the mixed load against `url` and returns at once; stop() ends it after the requests in flight. */
export function startMixedLoad(url: string, opts: { users: LoadUser[]; createTaskActionId: string; connections: number; tag: string }): RunningLoad {
  const failures: Record<string, number> = {};
  const byPage: Record<string, number> = {};
  const times: number[] = [];
  const acknowledgedTitles: string[] = [];
  const assignedTitles: string[] = [];
  // Per user, assignments allowed so far (all users alike) and made.
  let allowance = 0;
  const assignments = new Map<LoadUser, number>();
  let slowestFailureMs = 0;
  const errorAnswers: Record<string, number> = {};
  let errorAnswersWithoutSecurityHeaders = 0;
  const fail = (kind: string, ms: number) => {
    failures[kind] = (failures[kind] ?? 0) + 1;
    slowestFailureMs = Math.max(slowestFailureMs, Math.round(ms));
  };
  // After a failure a worker waits a second before its next request, as a person reads the error before trying
  // again: an outage must not turn the load into a retry storm (which the per-user action limit would then refuse).
  const pause = () => new Promise((resolve) => setTimeout(resolve, 1000));
  let stopped = false;
  let nextUser = 0;
  let counter = 0;
  const started = performance.now();

  async function worker() {
    while (!stopped) {
      const user = opts.users[nextUser++ % opts.users.length]!;
      for (const step of STEPS) {
        if (stopped) return;
        const title = `${opts.tag} ${++counter}`;
        const assigning = step.page === "create task" && user.teammateId !== undefined && (assignments.get(user) ?? 0) < allowance;
        if (assigning) assignments.set(user, (assignments.get(user) ?? 0) + 1);
        const { path, init } = step.request(user, title, assigning ? user.teammateId : "");
        if (step.page === "create task") (init.headers as Record<string, string>)["next-action"] = opts.createTaskActionId;
        const t0 = performance.now();
        try {
          const response = await fetch(new URL(path, url), { ...init, redirect: "manual", signal: AbortSignal.timeout(30_000) });
          const body = await response.text();
          const ms = performance.now() - t0;
          times.push(ms);
          byPage[step.page] = (byPage[step.page] ?? 0) + 1;
          if (response.status !== 200) {
            // An error page is a response like any other: it may not be framed, sniffed or run a foreign script.
            errorAnswers[response.status] = (errorAnswers[response.status] ?? 0) + 1;
            const csp = response.headers.get("content-security-policy") ?? "";
            if (response.headers.get("x-frame-options") !== "DENY" || response.headers.get("x-content-type-options") !== "nosniff" || !csp.includes("frame-ancestors 'none'")) {
              errorAnswersWithoutSecurityHeaders++;
            }
            fail(`${step.page}: ${response.status}`, ms);
            await pause();
            continue;
          }
          if (step.page === "create task") {
            const state = decodeActionState(body);
            if (state?.ok) {
              acknowledgedTitles.push(title);
              if (assigning) assignedTitles.push(title);
            } else {
              // The reference differs per answer: failures are grouped by what the user read.
              fail(`create task: ${(state?.error ?? "no action state in the answer").replace(/ \(ref [^)]*\)/, "")}`, ms);
              await pause();
            }
          }
        } catch (error) {
          const ms = performance.now() - t0;
          times.push(ms);
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          fail(`${step.page}: ${cause ?? (error instanceof Error ? error.name : "error")}`, ms);
          await pause();
        }
      }
    }
  }

  const workers = Array.from({ length: opts.connections }, () => worker());
  return {
    assign: (n) => {
      allowance += n;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
      const seconds = (performance.now() - started) / 1000;
      times.sort((a, b) => a - b);
      const requests = times.length;
      return {
        seconds: Math.round(seconds * 10) / 10,
        requests,
        requestsPerSec: Math.round((requests / seconds) * 10) / 10,
        failed: Object.values(failures).reduce((x, y) => x + y, 0),
        failures,
        acknowledgedWrites: acknowledgedTitles.length,
        acknowledgedTitles,
        assignedTitles,
        slowestFailureMs,
        slowestMs: Math.round(times.at(-1) ?? 0),
        errorAnswers,
        errorAnswersWithoutSecurityHeaders,
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
        p99: percentile(times, 0.99),
        byPage,
      };
    },
  };
}

export function formatMix(name: string, r: MixResult): string {
  const kinds = Object.entries(r.failures).map(([k, v]) => `${k} ×${v}`).join(", ");
  return `${name}: ${r.requests} requests in ${r.seconds} s (${r.requestsPerSec}/s), failed ${r.failed}${kinds ? ` (${kinds})` : ""}, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, writes acknowledged ${r.acknowledgedWrites}`;
}
