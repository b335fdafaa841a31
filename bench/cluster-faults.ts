/**
 * `npm run bench:faults`: what users see when the services under a cluster fail, under load, each with assertions
 * and figures (requests failed, writes lost, time to recover). A cluster of the standalone build (scripts/cluster)
 * on a PostgreSQL cluster of its own (so it can be restarted), Redis through a bridge of its own, and stand-ins for
 * Inngest's event API and SMTP (bench/fakes.ts) that can fail or hang:
 *
 *   SMTP hanging      the mail server takes connections and never greets, for --fault-seconds under load: 0 failed
 *                     requests, no request waits for mail (slowest < SMTP_TIMEOUT_MS), the jobs time out and retry,
 *                     and every assignment email is sent once the server answers again
 *   SIGKILL           an instance killed mid-import (and with a report queued): the import and the report end
 *                     (failed by the sweeper, or taken over) within minutes instead of staying "running"
 *   Inngest failing   the event endpoint answers 500, then hangs, each for --fault-seconds under load: 0 failed
 *                     requests, 0 lost events (every outbox event reaches Inngest once the re-dispatcher runs)
 *   Postgres restart  stopped (fast shutdown: connections cut) for 10 s under load: requests fail fast (503 page or
 *                     an "unavailable" action answer, none slower than the connect timeout), no hang, 0 lost writes,
 *                     every instance serves again within 10 s of Postgres being back
 *   saturated pool    an instance with a pool of 2 and a queue limit, its connections stuck on a lock: extra work is
 *                     refused at once with a clear answer instead of queueing without bound
 *
 * Options: --instances 3, --connections 32, --fault-seconds 30, --users 12, --only smtp,sigkill,inngest,postgres,pool
 * (a comma-separated subset of the phases, to investigate one). CI runs --fault-seconds 12 and every phase.
 * Exit 1 on any failed check. Needs nginx, PostgreSQL's server binaries and Redis on this machine.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { Client, readManifest } from "../e2e/attack-client";
import { Cluster, freeClusterPort, isPortFree, type Instance, type Release } from "../scripts/cluster/cluster";
import { ensureNginx } from "../scripts/cluster/nginx";
import { startPrivatePostgres } from "../scripts/cluster/postgres";
import { build, instanceEnv, startSharedServices } from "../scripts/cluster/services";
import { startFakeInngest, startFakeSmtp } from "./fakes";
import { formatMix, startMixedLoad, type LoadUser, type MixResult, type RunningLoad } from "./load-mix";
import { cleanUpOnAbort, saveResults, seed, signIn } from "./lib";
import { seconds, sleep, startProof, until } from "./proof";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    "fault-seconds": { type: "string", default: "30" },
    users: { type: "string", default: "12" },
    only: { type: "string" },
  },
});
const INSTANCES = Number(values.instances);
const CONNECTIONS = Number(values.connections);
const FAULT_SECONDS = Number(values["fault-seconds"]);
const USERS = Number(values.users);
const PHASES = ["smtp", "sigkill", "inngest", "postgres", "pool"] as const;
const only = values.only?.split(",").map((p) => p.trim());
const unknownPhase = only?.find((p) => !(PHASES as readonly string[]).includes(p));
if (unknownPhase) {
  console.error(`--only: unknown phase ${unknownPhase} (phases: ${PHASES.join(", ")})`);
  process.exit(2);
}
const selected = (phase: (typeof PHASES)[number]) => !only || only.includes(phase);
const PASSWORD = "faults-password-123";
// The app's defaults, which the checks below hold it to.
const SMTP_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
if (FAULT_SECONDS * 1000 <= SMTP_TIMEOUT_MS) {
  console.error(`--fault-seconds must exceed the SMTP timeout (${SMTP_TIMEOUT_MS / 1000} s): a shorter hang times no mail job out.`);
  process.exit(2);
}
const { started, log, check, checks } = startProof();

const root = process.cwd();
const nginxBin = ensureNginx(log);
const port = await freeClusterPort();
// The database on a Postgres of its own, a few ports above the cluster's.
let pgPort = port + 40;
while (!(await isPortFree(pgPort))) pgPort++;
const pg = startPrivatePostgres({ port: pgPort, log });
const dbName = "anatomy_faults";
pg.createDatabase(dbName);
process.env.DATABASE_URL = pg.url(dbName);
// Replicas of another primary (.ci/run's) would serve another database: this cluster reads its own primary.
delete process.env.DATABASE_REPLICA_URLS;
const services = await startSharedServices({ name: `anatomy_bench_faults_${process.pid}`, log, ownBridge: true });
Object.assign(process.env, services.env);
process.env.LOG_LEVEL ??= "warn";
const sql = postgres(services.databaseUrl, { max: 2, onnotice: () => {} });
const inngest = await startFakeInngest();
const smtp = await startFakeSmtp();
log(`fake Inngest event API on ${inngest.url}, fake SMTP on ${smtp.url}`);
const cluster = new Cluster({
  dir: path.join(root, ".cluster", `faults-${port}`),
  port,
  firstInstancePort: port + 1,
  nginxBin,
  // Mail goes to the fake SMTP server; stale work is swept after a minute (30 by default) so the SIGKILL proof ends
  // within the run.
  env: instanceEnv(services, port, { LOG_LEVEL: "warn", SMTP_URL: smtp.url, JOB_STALE_MINUTES: "1" }),
  log: (line) => log(`cluster: ${line}`),
});

let exitCode = 1;
cleanUpOnAbort(cleanUp);

try {
  build({ actionsKey: randomBytes(32).toString("base64"), log });
  const release: Release = cluster.prepareRelease(root, "r1");
  const actions = readManifest(path.join(release.dir, ".next", "server")).actions;
  const actionId = (name: string) => actions.find((a) => a.name === name)!.id;
  await cluster.start();
  await Promise.all(Array.from({ length: INSTANCES }, () => cluster.startInstance(release)));
  const at = (instance: Instance) => new Client(`http://127.0.0.1:${instance.port}`);

  const users: (LoadUser & { email: string; teammateId: string; teammateEmail: string })[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `faults-${i}-${started}@example.test`;
    const s = await seed({ email, password: PASSWORD, tasks: 20 });
    // Verified: only verified users may assign tasks to others (each assignment emails them).
    await sql`update users set email_verified = now() where id = ${s.userId}`;
    const [teammate] = await sql<{ email: string }[]>`select email from users where id = ${s.teammateId}`;
    users.push({ cookie: await signIn(cluster.url, email, PASSWORD), orgId: s.orgId, orgSlug: s.orgSlug, projectId: s.projectId, email, teammateId: s.teammateId, teammateEmail: teammate!.email });
  }
  log(`${users.length} users signed in through the load balancer`);
  const teammates = new Set(users.map((u) => u.teammateEmail));

  const lostOf = async (titles: string[]) => {
    if (titles.length === 0) return 0;
    const found = await sql<{ n: number }[]>`select count(*)::int as n from tasks where title = any(${titles})`;
    return titles.length - found[0]!.n;
  };
  const underLoad = async (phase: string, during: (load: RunningLoad) => Promise<void>, opts: { settleMs?: number } = {}) => {
    const load = startMixedLoad(cluster.url, { users, createTaskActionId: actionId("createTaskAction"), connections: CONNECTIONS, tag: `faults-${phase}-${started}` });
    await sleep(3000);
    await during(load);
    await sleep(opts.settleMs ?? 3000);
    const result = await load.stop();
    log(formatMix(phase, result));
    return { ...result, lost: await lostOf(result.acknowledgedTitles) };
  };
  const figures: Record<string, unknown> = {};
  const keep = (name: string, r: MixResult & { lost: number }, extra: Record<string, unknown> = {}) =>
    (figures[name] = { ...r, acknowledgedTitles: undefined, assignedTitles: r.assignedTitles.length, ...extra });

  // ---- SMTP hanging -----------------------------------------------------------------------------------------------
  if (selected("smtp")) {
    const mailsBefore = smtp.messages.length;
    let faultEnd = 0;
    const result = await underLoad(
      "SMTP hanging",
      async (load) => {
        smtp.setMode("hang");
        // Assignments made while the mail server hangs: each one's email job meets the fault.
        load.assign(2);
        await sleep(FAULT_SECONDS * 1000);
        smtp.setMode("ok");
        faultEnd = Date.now();
      },
    );
    const expected = new Map<string, number>();
    const assigned = new Set(result.assignedTitles);
    for (const u of users) expected.set(u.teammateEmail, 0);
    const byTitle = await sql<{ title: string; assignee: string }[]>`
      select t.title, u.email as assignee from tasks t join users u on u.id = t.assignee_id where t.title = any(${[...assigned]})`;
    for (const row of byTitle) expected.set(row.assignee, (expected.get(row.assignee) ?? 0) + 1);
    const sent = () => smtp.messages.slice(mailsBefore).filter((m) => m.to.some((to) => teammates.has(to)));
    const delivered = await until(async () => (sent().length >= result.assignedTitles.length ? sent() : undefined), 180_000, 1000);
    const mails = sent();
    const perRecipient = new Map<string, number>();
    for (const m of mails) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    const exact = [...expected].every(([to, n]) => (perRecipient.get(to) ?? 0) === n);
    const recovered = mails.length ? Math.max(...mails.map((m) => m.at)) - faultEnd : 0;
    const [runs] = await sql<{ runs: number; retried: number; attempts: number }[]>`
      select count(*)::int as runs, count(*) filter (where attempts > 1)::int as retried, coalesce(sum(attempts), 0)::int as attempts
      from job_runs where function_id like '%notify-task-assignee' and started_at >= ${new Date(faultEnd - FAULT_SECONDS * 1000 - 5000)}`;
    check(
      "SMTP hanging under load: 0 failed requests, no request waits for mail",
      result.failed === 0 && result.lost === 0 && result.slowestMs < SMTP_TIMEOUT_MS,
      `${result.requests} requests, ${result.failed} failed ${JSON.stringify(result.failures)}, ${result.lost} writes lost; slowest ${result.slowestMs} ms (SMTP timeout ${SMTP_TIMEOUT_MS} ms), p99 ${result.p99} ms`,
    );
    check(
      "SMTP hanging: the mail jobs time out and retry, and every assignment email is sent after",
      Boolean(delivered) && exact && smtp.held() > 0 && runs!.retried > 0,
      `${result.assignedTitles.length} assignments acknowledged; ${smtp.held()} SMTP connections left without a greeting; ${runs!.runs} mail jobs, ${runs!.retried} of them retried (${runs!.attempts} attempts); ${mails.length} emails sent, ${exact ? "one per assignment" : "NOT one per assignment"}, the last ${seconds(recovered)} after the server answered again`,
    );
    keep("smtpHanging", result, { mails: mails.length, recoveredMs: recovered, heldConnections: smtp.held(), mailJobs: runs });
  }

  // ---- SIGKILL mid-import ---------------------------------------------------------------------------------------
  if (selected("sigkill")) {
    const user = users[0]!;
    const victim = cluster.routed()[0]!;
    const lines = ["title,status,due,key"];
    for (let i = 1; i <= 20_000; i++) lines.push(`Killed import ${i},todo,,K-${i}`);
    const importAnswer = await at(victim).action(
      actionId("importTasksAction"),
      [["orgId", user.orgId], ["projectId", user.projectId], ["file", { filename: "big.csv", contentType: "text/csv", content: lines.join("\n") }]],
      { cookie: user.cookie, path: `/${user.orgSlug}/data` },
    );
    const reportAnswer = await at(victim).action(actionId("requestReportAction"), [["orgId", user.orgId], ["kind", "tasks"]], { cookie: user.cookie, path: `/${user.orgSlug}/data` });
    const importRow = () => sql<{ status: string; processed_rows: number; failure_reason: string | null }[]>`
      select status, processed_rows, failure_reason from task_imports where org_id = ${user.orgId} order by created_at desc limit 1`;
    // Killed once it is working on the file (rows imported), as a crash mid-import.
    const running = await until(async () => {
      const [row] = await importRow();
      return row && row.status === "running" && row.processed_rows > 0 ? row : undefined;
    }, 30_000, 50);
    await cluster.kill(victim);
    const killedAt = Date.now();
    const [atKill] = await importRow();
    const [reportAtKill] = await sql<{ status: string }[]>`select status from reports where org_id = ${user.orgId} order by created_at desc limit 1`;
    log(`killed ${victim.name} (SIGKILL) with the import ${atKill?.status} at ${atKill?.processed_rows} rows, the report ${reportAtKill?.status}`);
    // What an orchestrator does: another instance takes the dead one's place.
    await cluster.startInstance(release);
    const ended = await until(async () => {
      const [imp] = await importRow();
      const [rep] = await sql<{ status: string; failure_reason: string | null }[]>`select status, failure_reason from reports where org_id = ${user.orgId} order by created_at desc limit 1`;
      const done = (s: string | undefined) => s === "completed" || s === "failed";
      return done(imp?.status) && done(rep?.status) ? { imp: imp!, rep: rep!, ms: Date.now() - killedAt } : undefined;
    }, 5 * 60_000, 1000);
    check(
      "an instance killed mid-import: the import and the report end within minutes, never left running",
      importAnswer.state?.ok === true && reportAnswer.state?.ok === true && Boolean(running) && atKill?.status === "running" && Boolean(ended) && ended!.ms < 4 * 60_000,
      ended
        ? `killed with the import at ${atKill?.processed_rows}/20000 rows (report ${reportAtKill?.status}); ${seconds(ended.ms)} later the import is ${ended.imp.status} ("${ended.imp.failure_reason ?? ""}"), the report ${ended.rep.status}`
        : `import answer ${JSON.stringify(importAnswer.state)}, report ${JSON.stringify(reportAnswer.state)}, running before the kill: ${Boolean(running)}; still not ended after 5 minutes`,
    );
    figures.sigkill = { processedAtKill: atKill?.processed_rows, reportAtKill: reportAtKill?.status, endedMs: ended?.ms, importStatus: ended?.imp.status, reportStatus: ended?.rep.status };
  }

  // ---- Inngest's event endpoint failing -------------------------------------------------------------------------
  // The instances are replaced by ones in cloud job mode (event and signing keys) whose Inngest is the fake
  // (INNGEST_BASE_URL, as for a self-hosted Inngest): events go there instead of to the in-process executor. Inngest
  // would call the re-dispatcher every minute; the fake calls it, signed, every 10 s once the fault is over (it
  // re-sends events older than a minute).
  if (selected("inngest")) {
    const old = cluster.routed();
    const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
    const inngestEnv = { INNGEST_EVENT_KEY: randomBytes(16).toString("hex"), INNGEST_SIGNING_KEY: signingKey, INNGEST_BASE_URL: inngest.url };
    for (let i = 0; i < INSTANCES; i++) await cluster.startInstance(release, "blue", inngestEnv);
    for (const instance of old) await cluster.stopInstance(instance);
    const phaseStart = new Date();
    let faultEnd = 0;
    const result = await underLoad(
      "Inngest 500 then hanging",
      async (load) => {
        inngest.setMode("error");
        load.assign(1);
        await sleep(FAULT_SECONDS * 1000);
        inngest.setMode("hang");
        load.assign(1);
        await sleep(FAULT_SECONDS * 1000);
        inngest.setMode("ok");
        faultEnd = Date.now();
      },
    );
    const events = await sql<{ id: string }[]>`select id from outbox_events where created_at >= ${phaseStart} and name = 'projects/task.assigned'`;
    let cronRuns = 0;
    const all = await until(
      async () => {
        if (events.every((e) => inngest.received.has(e.id))) return true;
        cronRuns++;
        const result = await inngest.invoke(`${cluster.url}/api/inngest`, "anatomy-redispatch-outbox", signingKey).catch((error: unknown) => String(error));
        log(`re-dispatcher: ${JSON.stringify(result)}`);
        return undefined;
      },
      150_000,
      10_000,
    );
    const missing = events.filter((e) => !inngest.received.has(e.id)).length;
    const lastAt = Math.max(0, ...events.map((e) => inngest.received.get(e.id)?.at ?? 0));
    const [pending] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_events where created_at >= ${phaseStart} and dispatched_at is null`;
    check(
      "Inngest answering 500, then hanging, under load: 0 failed requests",
      result.failed === 0 && result.lost === 0 && inngest.refused() > 0 && inngest.held() > 0,
      `${result.requests} requests, ${result.failed} failed ${JSON.stringify(result.failures)}, ${result.lost} writes lost; event sends answered 500: ${inngest.refused()}, held: ${inngest.held()}; slowest ${result.slowestMs} ms, p99 ${result.p99} ms`,
    );
    check(
      "Inngest failing: 0 lost events (the outbox delivers them afterwards)",
      Boolean(all) && missing === 0 && events.length === result.assignedTitles.length && events.length > 0 && pending!.n === 0,
      `${result.assignedTitles.length} assignments acknowledged, ${events.length} events in the outbox, ${events.length - missing} reached Inngest (${missing} missing, ${pending!.n} still pending), the last ${seconds(lastAt - faultEnd)} after the endpoint answered again (${cronRuns} re-dispatcher runs; it re-sends events older than a minute)`,
    );
    keep("inngestFailing", result, { events: events.length, missing, recoveredMs: lastAt - faultEnd, refused: inngest.refused(), held: inngest.held() });
  }

  // ---- Postgres restarted ---------------------------------------------------------------------------------------
  if (selected("postgres")) {
    let downMs = 0;
    let backAt = 0;
    const recovery: Record<string, number> = {};
    const result = await underLoad("Postgres restart", async () => {
      const t = Date.now();
      await pg.stop("fast");
      log("Postgres stopped");
      await sleep(10_000);
      await pg.start();
      backAt = Date.now();
      downMs = backAt - t;
      log(`Postgres back after ${seconds(downMs)}`);
      // Each instance serves a page that needs the database (its imports and reports).
      await Promise.all(
        cluster.routed().map(async (instance) => {
          const user = users[1]!;
          const ok = await until(async () => {
            const page = await at(instance).request(`/${user.orgSlug}/data`, { cookie: user.cookie });
            return page.status === 200 ? true : undefined;
          }, 30_000, 100);
          recovery[instance.name] = ok ? Date.now() - backAt : Infinity;
        }),
      );
    });
    const slowestRecovery = Math.max(...Object.values(recovery));
    // A clear answer: the 503 page, or the action's "unavailable" message. Requests caught mid-render when the
    // connections were cut end on the error page (500) instead: at most one per connection of the load.
    const clear = (kind: string) => / 503$/.test(kind) || kind.startsWith("create task: The database is unavailable right now");
    const caughtInFlight = Object.entries(result.failures).filter(([kind]) => !clear(kind)).reduce((n, [, count]) => n + count, 0);
    const onlyInFlight = Object.keys(result.failures).every((kind) => clear(kind) || / 500$/.test(kind)) && caughtInFlight <= CONNECTIONS;
    check(
      "Postgres restarted under load: requests fail fast with a clear answer, never hang; 0 lost writes",
      result.lost === 0 && onlyInFlight && result.slowestFailureMs <= CONNECT_TIMEOUT_MS + 1500,
      `down ${seconds(downMs)}: ${result.requests} requests, ${result.failed} failed (${JSON.stringify(result.failures)}: ${caughtInFlight} caught in flight, the rest a 503 page or the action's "unavailable" answer), the slowest failure in ${result.slowestFailureMs} ms (connect timeout ${CONNECT_TIMEOUT_MS} ms); ${result.acknowledgedWrites} writes acknowledged, ${result.lost} lost`,
    );
    check(
      "Postgres restarted: every error answer (the 503 page, a 500) carries the security headers",
      Object.keys(result.errorAnswers).length > 0 && result.errorAnswersWithoutSecurityHeaders === 0,
      `${JSON.stringify(result.errorAnswers)} by status, ${result.errorAnswersWithoutSecurityHeaders} without X-Frame-Options, nosniff or the CSP's frame-ancestors`,
    );
    check(
      "Postgres restarted: every instance serves again within 10 s of it being back",
      slowestRecovery <= 10_000,
      Object.entries(recovery).map(([name, ms]) => `${name} ${seconds(ms)}`).join(", "),
    );
    keep("postgresRestart", result, { downMs, recovery });
  }

  // ---- saturated pool -------------------------------------------------------------------------------------------
  if (selected("pool")) {
    // Out of rotation (green while blue is live): only this proof's requests reach it.
    const small = await cluster.startInstance(release, "green", { DATABASE_POOL_MAX: "2", DATABASE_POOL_QUEUE_LIMIT: "4" });
    // Users of their own, 10 actions each: well inside the per-user action limit, which the load's users may have used.
    // One at a time: seed() closes the process's database pool when it is done.
    const owners: (Awaited<ReturnType<typeof seed>> & { cookie: string })[] = [];
    for (let i = 0; i < 3; i++) {
      const email = `faults-pool-${i}-${started}@example.test`;
      const s = await seed({ email, password: PASSWORD, tasks: 0 });
      owners.push({ ...s, cookie: await signIn(cluster.url, email, PASSWORD) });
    }
    const create = (i: number) => {
      const user = owners[i % owners.length]!;
      const t = performance.now();
      return at(small)
        .action(actionId("createTaskAction"), [["orgId", user.orgId], ["projectId", user.projectId], ["title", `saturated ${i}`], ["status", "todo"], ["assigneeId", ""], ["dueOn", ""]], {
          cookie: user.cookie,
          path: `/${user.orgSlug}/projects/${user.projectId}`,
        })
        .then((a) => ({ ms: performance.now() - t, status: a.status, ok: a.state?.ok === true, error: a.state?.error?.replace(/ \(ref [^)]*\)/, "") }));
    };
    // Every connection of its pool stuck behind a lock another session holds (a migration, a long transaction).
    const answers = await sql.begin(async (tx) => {
      await tx`lock table tasks in access exclusive mode`;
      const fired = Array.from({ length: 30 }, (_, i) => create(i));
      const settled = await Promise.all(fired.map((p) => Promise.race([p, sleep(8000).then(() => undefined)])));
      return { settled, fired };
    });
    const all = await Promise.all(answers.fired);
    const byAnswer: Record<string, number> = {};
    for (const a of all) byAnswer[a.ok ? "ok" : (a.error ?? `status ${a.status}`)] = (byAnswer[a.ok ? "ok" : (a.error ?? `status ${a.status}`)] ?? 0) + 1;
    const refused = all.filter((a) => a.error?.startsWith("The database is busy right now"));
    const fastRefusals = refused.filter((a) => a.ms < 1000).length;
    const slowest = Math.max(...all.map((a) => a.ms));
    const confused = all.filter((a) => !a.ok && !a.error?.startsWith("The database is busy right now")).length;
    check(
      "a saturated pool refuses extra work at once with a clear answer instead of queueing",
      fastRefusals > 0 && confused === 0 && slowest < 20_000,
      `30 actions on an instance with a pool of 2 (queue limit 4) stuck on a lock for 8 s: ${JSON.stringify(byAnswer)}; ${fastRefusals} refused in under 1 s; the slowest answer ${Math.round(slowest)} ms`,
    );
    figures.saturatedPool = { byAnswer, fastRefusals, slowestMs: Math.round(slowest) };
    await cluster.stopInstance(small);
  }

  const failed = checks.filter((x) => !x.ok);
  console.log(`\nfault proof: ${checks.length - failed.length}/${checks.length} checks passed, ${INSTANCES} instances, ${CONNECTIONS} connections, faults of ${FAULT_SECONDS} s`);
  for (const f of failed) console.log(`  FAILED ${f.name}: ${f.detail}`);
  console.log(`results: ${saveResults("cluster-faults", { instances: INSTANCES, connections: CONNECTIONS, faultSeconds: FAULT_SECONDS, users: USERS, checks, figures })}`);
  exitCode = failed.length === 0 ? 0 : 1;
} catch (error) {
  console.error(error);
} finally {
  await cleanUp();
}
process.exit(exitCode);

async function cleanUp() {
  await cluster.stop().catch((e: unknown) => console.error(e));
  await sql.end({ timeout: 1 }).catch(() => {});
  const { closeDb } = await import("@/lib/db/client");
  await closeDb().catch(() => {});
  await inngest.close().catch(() => {});
  await smtp.close().catch(() => {});
  await services.close().catch((e: unknown) => console.error(e));
  pg.destroy();
}
