import { readFileSync } from "node:fs";
import postgres from "postgres";
import { decodeActionState } from "../e2e/attack-client";
import { childProcessesCpuSeconds, load, parentPidOf, percentile, type ServerHandle } from "./lib";
import { actionRequest, createTaskRequest } from "./load-mix";

// bench:scale's mixed load in the big organization: its dashboard read (warm server) while members create and edit
// tasks, --writes-per-second in all. Measured three ways, so the two costs a write brings are told apart:
//   read-only         the dashboard alone;
//   writes elsewhere  the same writes in the small organization: the writes' own CPU on this server (each action
//                     re-renders the project page it was posted from), with no invalidation of this dashboard;
//   writes here       the writes in the big organization: that, plus every write invalidating its cached fragments.
// "here" against read-only: target ×1.5 (fails over ×2); against "elsewhere" (what invalidation costs the dashboard):
// at most ×1.3, as a recompute after a write reads a few counter rows, not a count of a million, and a task write
// leaves the member list and the project headers cached (their own tags, lib/activity/record-activity.ts).

type Writer = { cookie: string; orgId: string; orgSlug: string; projectId: string };

export type DashboardUnderWritesOptions = {
  server: ServerHandle;
  databaseUrl: string;
  /** A connection to the same Postgres server, to find its postmaster (the database's CPU). */
  admin: postgres.Sql;
  dashboardPath: string;
  dashboardCookie: string;
  /** A member of the dashboard's organization, and one of another organization: who writes. */
  here: Writer;
  elsewhere: Writer;
  actionIds: { create: string; update: string };
  bursts: number;
  seconds: number;
  connections: number;
  writesPerSecond: number;
  log: (line: string) => void;
};

export async function dashboardUnderWrites(opts: DashboardUnderWritesOptions) {
  type Phase = { p95s: number[]; requests: number; cpuMs: number; dbCpuMs: number; writes: { ok: number; failed: number; skipped: number }; writeSeconds: number };
  const phase = (): Phase => ({ p95s: [], requests: 0, cpuMs: 0, dbCpuMs: 0, writes: { ok: 0, failed: 0, skipped: 0 }, writeSeconds: 0 });
  // The database's CPU: its postmaster's children (backends, workers), when Postgres runs on this machine.
  const [backend] = await opts.admin<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const isLocalPostgres = (() => {
    try {
      return readFileSync(`/proc/${backend!.pid}/comm`, "utf8").trim() === "postgres";
    } catch {
      return false;
    }
  })();
  const postmaster = isLocalPostgres ? parentPidOf(backend!.pid) : undefined;
  const dbCpuSeconds = () => (postmaster ? childProcessesCpuSeconds(postmaster) : Number.NaN);
  // --bursts bursts of the dashboard into `into`, with writes by `writer` meanwhile (none: read-only); the server's CPU
  // over the whole of it, for the CPU per dashboard request and per write.
  const measure = async (into: Phase, writer: Writer | null) => {
    const cpuBefore = opts.server.cpuSeconds();
    const dbCpuBefore = dbCpuSeconds();
    let stopWrites = async () => {};
    if (writer) {
      const reader = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
      const someTasks = (await reader<{ id: string }[]>`select id from tasks where project_id = ${writer.projectId} order by created_at desc limit 200`).map((r) => r.id);
      await reader.end();
      // One write every 1/rate s, not waiting for the one before (as many members would), at most 8 in flight.
      const inFlight = new Set<Promise<void>>();
      const statuses = ["todo", "in_progress", "done"] as const;
      let i = 0;
      const timer = setInterval(() => {
        if (inFlight.size >= 8) {
          into.writes.skipped++;
          return;
        }
        const n = i++;
        const { path, init } = n % 2
          ? actionRequest(writer, opts.actionIds.update, [["_1_orgId", writer.orgId], ["_1_taskId", someTasks[n % someTasks.length]!], ["_1_status", statuses[n % 3]!]])
          : createTaskRequest(writer, `Mixed load ${into.p95s.length} ${n}`, "", opts.actionIds.create);
        const write: Promise<void> = fetch(`${opts.server.url}${path}`, { ...init, redirect: "manual" })
          .then(async (response) => {
            if (response.status === 200 && decodeActionState(await response.text())?.ok) into.writes.ok++;
            else into.writes.failed++;
          })
          .catch(() => void into.writes.failed++)
          .finally(() => inFlight.delete(write));
        inFlight.add(write);
      }, 1000 / opts.writesPerSecond);
      const writeStart = performance.now();
      stopWrites = async () => {
        clearInterval(timer);
        await Promise.all(inFlight);
        into.writeSeconds += (performance.now() - writeStart) / 1000;
      };
    }
    try {
      for (let i = 0; i < opts.bursts; i++) {
        const result = await load(`${opts.server.url}${opts.dashboardPath}`, { connections: opts.connections, seconds: opts.seconds, headers: { cookie: opts.dashboardCookie } });
        if (result.errors + result.non2xx > 0) throw new Error(`dashboard under mixed load: ${result.errors + result.non2xx} failed`);
        into.p95s.push(result.p95);
        into.requests += result.total;
      }
    } finally {
      await stopWrites();
    }
    into.cpuMs += (opts.server.cpuSeconds() - cpuBefore) * 1000;
    into.dbCpuMs += (dbCpuSeconds() - dbCpuBefore) * 1000;
  };
  const ratioOf = (a: number, b: number) => Math.round((a / Math.max(b, 0.1)) * 100) / 100;
  const p95Of = (m: Phase) => percentile([...m.p95s].sort((a, b) => a - b), 0.5);
  const [readOnly, elsewhere, here] = [phase(), phase(), phase()];
  // As with the pages: a ratio over its bound is measured for up to two more rounds, the median then over all the
  // bursts, so a noisy burst on this 2-core machine does not decide it but a dashboard that goes cold does.
  for (let round = 1; round <= 3; round++) {
    await measure(readOnly, null);
    await measure(elsewhere, opts.elsewhere);
    await measure(here, opts.here);
    const [toRead, toElsewhere] = [ratioOf(p95Of(here), p95Of(readOnly)), ratioOf(p95Of(here), p95Of(elsewhere))];
    if (toRead <= 1.5 && toElsewhere <= 1.3) break;
    if (round < 3) opts.log(`     dashboard under writes: ×${toRead} of read-only, ×${toElsewhere} of writes elsewhere after ${round} round(s), measuring again`);
  }
  const cpuMsPerRead = Math.round((readOnly.cpuMs / readOnly.requests) * 10) / 10;
  const cpuMsPerWrite = (m: Phase) => Math.round(((m.cpuMs - m.requests * cpuMsPerRead) / Math.max(1, m.writes.ok + m.writes.failed)) * 10) / 10;
  // The database's CPU per request (dashboard reads and writes alike): with the writes here, the dashboard's recomputes
  // after each write add to it; they must stay small next to the writes' own statements.
  const dbCpuMsPerRequest = (m: Phase) => Math.round((m.dbCpuMs / Math.max(1, m.requests + m.writes.ok + m.writes.failed)) * 100) / 100;
  const mixed = {
    readOnlyP95: p95Of(readOnly),
    elsewhereP95: p95Of(elsewhere),
    mixedP95: p95Of(here),
    ratio: ratioOf(p95Of(here), p95Of(readOnly)),
    writesOwnRatio: ratioOf(p95Of(elsewhere), p95Of(readOnly)),
    invalidationRatio: ratioOf(p95Of(here), p95Of(elsewhere)),
    cpuMsPerRead,
    cpuMsPerWrite: { elsewhere: cpuMsPerWrite(elsewhere), here: cpuMsPerWrite(here) },
    dbCpuMsPerRequest: { readOnly: dbCpuMsPerRequest(readOnly), elsewhere: dbCpuMsPerRequest(elsewhere), here: dbCpuMsPerRequest(here) },
    writes: here.writes,
    writeRate: Math.round((here.writes.ok / Math.max(here.writeSeconds, 1)) * 10) / 10,
    elsewhereWrites: elsewhere.writes,
    ok: false,
  };
  const writesFailed = here.writes.failed + elsewhere.writes.failed;
  // Database CPU: at most ×1.5 of the same writes elsewhere (the dashboard's recomputes after each write read a few
  // counter rows next to the writes' own statements), plus a clock tick's worth (10 ms over the phase's requests).
  const dbBound = mixed.dbCpuMsPerRequest.elsewhere * 1.5 + 10 / Math.max(1, here.requests);
  const dbOk = !postmaster || mixed.dbCpuMsPerRequest.here <= dbBound;
  // The server must have taken the writes as they came in both phases: one too slow for them (8 in flight, the rest
  // skipped) would carry fewer of them, and pass more easily. At most a tenth skipped.
  const paced = [here, elsewhere].every((m) => m.writes.skipped <= 0.1 * (m.writes.ok + m.writes.failed + m.writes.skipped));
  // Against read-only, ×1.5 is the target, printed; the run fails only over ×2 (it was ×2.92 at a million tasks before
  // the member list had its own tag). On this 2-core machine one Node process serves the dashboard and renders every
  // write's response, so that ratio is mostly the writes' own CPU (the "elsewhere" phase shows it without any
  // invalidation), which varies from round to round: ×1.27–1.45 in most rounds, one at ×1.85.
  mixed.ok = writesFailed === 0 && paced && mixed.ratio <= 2 && mixed.invalidationRatio <= 1.3 && dbOk;
  opts.log(`${mixed.ok ? "ok  " : "FAIL"} dashboard under writes: p95 ${mixed.readOnlyP95} ms read-only (${cpuMsPerRead} ms CPU each); ${mixed.elsewhereP95} ms with ${elsewhere.writes.ok} writes in another organization (the writes' own CPU: ${mixed.cpuMsPerWrite.elsewhere} ms each); ${mixed.mixedP95} ms with ${here.writes.ok} writes in this one (${mixed.writeRate}/s${paced ? "" : ", over a tenth skipped"}, ${mixed.cpuMsPerWrite.here} ms CPU each with the recomputes they cause; ${writesFailed} failed, ${here.writes.skipped + elsewhere.writes.skipped} skipped with 8 in flight): ×${mixed.ratio} of read-only (target ×1.5: ${mixed.ratio <= 1.5 ? "met" : "not met"}; fails over ×2), ×${mixed.invalidationRatio} of the same writes elsewhere (at most ×1.3); database CPU per request ${postmaster ? `${mixed.dbCpuMsPerRequest.readOnly} ms read-only, ${mixed.dbCpuMsPerRequest.elsewhere} ms with the writes elsewhere, ${mixed.dbCpuMsPerRequest.here} ms with them here (at most ${Math.round(dbBound * 100) / 100})` : "not measured (Postgres is not a process on this machine)"}`);
  return mixed;
}
