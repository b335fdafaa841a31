import { readFileSync } from "node:fs";
import postgres from "postgres";

// The HTTP side of e2e/attack.spec.ts: server actions posted exactly as React 19 posts them, their answers decoded,
// and the two oracles for "nothing changed" (the server's write counters, and the rows themselves when the run has a
// DATABASE_URL). Plain fetch, no browser: an attacker needs none either.

export const METRICS_TOKEN = "e2e-metrics-token-0123456789"; // playwright.config.ts

export type Manifest = { actions: { id: string; name: string; file: string; pages: string[] }[]; routes: string[] };

/** Every server action and route handler of the build (`next build` wrote the manifests the server loads). */
export function readManifest(dir = ".next/server"): Manifest {
  const references = JSON.parse(readFileSync(`${dir}/server-reference-manifest.json`, "utf8")) as {
    node: Record<string, { exportedName?: string; filename?: string; workers: Record<string, unknown> }>;
  };
  const paths = JSON.parse(readFileSync(`${dir}/app-paths-manifest.json`, "utf8")) as Record<string, string>;
  return {
    actions: Object.entries(references.node).map(([id, v]) => ({
      id,
      name: v.exportedName ?? `(anonymous in ${v.filename ?? "?"})`,
      file: v.filename ?? "?",
      pages: Object.keys(v.workers),
    })),
    routes: Object.keys(paths)
      .filter((p) => p.endsWith("/route"))
      .map((p) => p.replace(/\/route$/, "").replace(/\/\([^)]+\)/g, "") || "/"),
  };
}

export type UploadField = { filename: string; contentType: string; content: string };
export type FieldValue = string | UploadField;
/** Form fields in order; a name may repeat (what a browser sends for a multi-value field). */
export type Fields = [string, FieldValue][];

export type Answer = {
  status: number;
  location: string | null; // a redirect: the Location header, or the action's x-action-redirect
  contentType: string;
  text: string;
  state: ActionStateAnswer | undefined; // the action's return value, when the answer is a React Flight payload
  setCookie: string[];
};
export type ActionStateAnswer = { ok: boolean; error?: string; fieldErrors?: unknown; data?: unknown; message?: string } | null;

/** Reads the action's return value out of a React Flight payload: row 0 names the row that holds it (`"a":"$@1"`). */
export function decodeActionState(text: string): ActionStateAnswer | undefined {
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-f]+):(.*)$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  const head = rows.get("0");
  if (!head) return undefined;
  try {
    const ref = (JSON.parse(head) as { a?: unknown }).a;
    if (typeof ref !== "string" || !ref.startsWith("$@")) return undefined;
    const row = rows.get(ref.slice(2));
    return row === undefined ? undefined : (JSON.parse(row) as ActionStateAnswer);
  } catch {
    return undefined;
  }
}

export function multipart(fields: Fields, boundary = "----anatomyattack"): string {
  return (
    fields
      .map(([name, value]) =>
        typeof value === "string"
          ? `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
          : `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.contentType}\r\n\r\n${value.content}\r\n`,
      )
      .join("") + `--${boundary}--\r\n`
  );
}

export class Client {
  constructor(readonly baseURL: string) {}

  async request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string; cookie?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.cookie) headers.cookie = init.cookie;
    const response = await fetch(new URL(path, this.baseURL), { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" });
    const text = await response.text();
    const contentType = response.headers.get("content-type") ?? "";
    return {
      status: response.status,
      // x-action-redirect is "<url>;push" or "<url>;replace".
      location: response.headers.get("x-action-redirect")?.replace(/;(push|replace)$/, "") ?? response.headers.get("location"),
      contentType,
      text,
      state: contentType.startsWith("text/x-component") ? decodeActionState(text) : undefined,
      setCookie: response.headers.getSetCookie(),
    };
  }

  /**
   * A server action called the way React 19 calls it from a form: multipart, the form's fields prefixed `_1_`, field
   * `0` the arguments (previous state, then the form), `next-action` its id. `args` and `contentType` let the fuzzer
   * send what React never would.
   */
  async action(
    id: string,
    fields: Fields,
    { cookie, path = "/", args = '[null,"$K1"]', body, contentType }: { cookie?: string; path?: string; args?: string | null; body?: string; contentType?: string } = {},
  ): Promise<Answer> {
    const boundary = "----anatomyattack";
    const encoded = body ?? multipart([...fields.map(([k, v]): [string, FieldValue] => [`_1_${k}`, v]), ...(args === null ? [] : ([["0", args]] as Fields))], boundary);
    return this.request(path, {
      method: "POST",
      cookie,
      body: encoded,
      headers: {
        accept: "text/x-component",
        "next-action": id,
        "content-type": contentType ?? `multipart/form-data; boundary=${boundary}`,
      },
    });
  }
}

export function sessionCookie(setCookie: string[]): string | undefined {
  const session = setCookie.find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  return session?.split(";")[0];
}

// ---- "nothing changed" ----------------------------------------------------------------------------------------------

export type Counters = { insert: number; update: number; delete: number; other: number; jobs: number; errors: number };

/** The server's own counters (/api/metrics): SQL statements by kind, finished job runs, unhandled errors. */
export async function scrapeCounters(client: Client): Promise<Counters> {
  const answer = await client.request("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (answer.status !== 200) throw new Error(`/api/metrics answered ${answer.status}`);
  const sum = (re: RegExp) =>
    answer.text
      .split("\n")
      .filter((line) => re.test(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return {
    insert: sum(/^db_queries_total\{operation="insert"\}/),
    update: sum(/^db_queries_total\{operation="update"\}/),
    delete: sum(/^db_queries_total\{operation="delete"\}/),
    other: sum(/^db_queries_total\{operation="(with|other)"\}/),
    jobs: sum(/^job_runs_total\{/),
    errors: sum(/^http_server_errors_total\{.*kind="5xx"/),
  };
}

export function diffCounters(before: Counters, after: Counters): Counters {
  return {
    insert: after.insert - before.insert,
    update: after.update - before.update,
    delete: after.delete - before.delete,
    other: after.other - before.other,
    jobs: after.jobs - before.jobs,
    errors: after.errors - before.errors,
  };
}

// Tables and the column that ties a row to an organization or a user of the test.
const orgTables = ["memberships", "invitations", "projects", "tasks", "activity_events", "task_imports", "reports", "stored_files", "outbox_events"];
const userTables = ["user_tokens", "accounts", "revoked_sessions"];

/**
 * With DATABASE_URL (the real-services run: the server uses that Postgres), the rows of the test's organizations and
 * users, hashed per table. Without it (embedded PGlite inside the server process) there is no second way in, and the
 * write counters are the oracle alone.
 */
export class RowSnapshots {
  private sql: postgres.Sql | undefined;
  constructor(url = process.env.DATABASE_URL) {
    this.sql = url ? postgres(url, { max: 1, onnotice: () => {} }) : undefined;
  }

  get enabled(): boolean {
    return Boolean(this.sql);
  }

  async take(orgIds: string[], userIds: string[]): Promise<Record<string, string> | undefined> {
    const sql = this.sql;
    if (!sql) return undefined;
    const hash = async (table: string, where: postgres.PendingQuery<postgres.Row[]>) => {
      const [row] = await sql`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${sql(table)} t where ${where}`;
      return `${row!.n}:${row!.h}`;
    };
    const out: Record<string, string> = {};
    out.organizations = await hash("organizations", sql`t.id in ${sql(orgIds)}`);
    for (const table of orgTables) out[table] = await hash(table, sql`t.org_id in ${sql(orgIds)}`);
    out.users = await hash("users", sql`t.id in ${sql(userIds)}`);
    for (const table of userTables) out[table] = await hash(table, sql`t.user_id in ${sql(userIds)}`);
    return out;
  }

  private since: Date | undefined;

  /** From now on, job runs count for jobsBusy (call before the suite's own setup). */
  async startClock(): Promise<void> {
    if (!this.sql) return;
    const [row] = await this.sql`select now() as now`;
    this.since = row!.now as Date;
  }

  /**
   * Job runs still moving (a run started before a window can end inside it), of any org: the server also works off
   * events that earlier suites left pending (the unit tests share the database in the real-services run, and the
   * minute-ly re-dispatcher sends their events during this suite). Only runs started since startClock(): the
   * database may hold rows that earlier suites left "running" for ever (some simulate a crash mid-run).
   */
  async jobsBusy(): Promise<boolean> {
    if (!this.sql) return false;
    const since = this.since ?? new Date(0);
    const [row] = await this.sql`select count(*)::int as n from job_runs where status = 'running' and started_at >= ${since}`;
    return row!.n > 0;
  }

  /**
   * Cron ticks claimed between `since` and `until`, by any process. In the real-services run the `next dev` server of
   * e2e/dev-server.spec.ts shares the database: when it claims a minute's tick first, this server's claim is an INSERT
   * that conflicts and starts no run, so no job counter moves.
   */
  async cronTicksBetween(since: Date, until: Date): Promise<number> {
    if (!this.sql) return 0;
    const [row] = await this.sql`select count(*)::int as n from job_cron_ticks where claimed_at >= ${since} and claimed_at <= ${until}`;
    return row!.n;
  }

  async close() {
    await this.sql?.end();
  }
}
