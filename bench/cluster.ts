/**
 * `npm run bench:cluster`: proves the app scales out. A cluster of the standalone build (scripts/cluster: N instances
 * behind nginx, one Postgres database, Redis through the Upstash bridge), then, each with assertions:
 *
 *   shared state   a session made on one instance is accepted by the others; sign-in guesses spread over every
 *                  instance are limited as one; a rename on one shows on another's next load; an assignment email is
 *                  sent once whichever instance served the request; each cron tick runs once across the cluster
 *   replica        with DATABASE_REPLICA_URLS (.ci/run: a replica 2 s behind): a task created on one instance is in
 *                  the list the next serves at once (read-your-writes), another user's list is read from the replica
 *   rolling        under the mixed load, every instance replaced by a new build one at a time: 0 failed requests,
 *                  0 lost writes (tasks in the database = create-task actions acknowledged)
 *   blue-green     a green set of another build beside blue: a green that fails its smoke test is never switched to;
 *                  a good one is, under load, and rolled back: 0 failed requests, 0 lost writes, blue kept warm
 *   Redis down     the bridge stopped for 20 s under load: 0 failed requests, 0 lost writes, cache hits again after
 *   scale          the same load on 1, 2, 3 instances: requests per second and latency, 0 failed requests
 *
 * Options: --instances 3, --connections 32, --seconds 60 (least load per deploy phase), --users 24.
 * CI runs a shorter one (`--seconds 10`); the figures of a full run are in docs/scaling.md. Exit 1 on any failure.
 * Needs nginx (found or installed: scripts/cluster/nginx.ts), PostgreSQL and Redis on this machine.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { Client, readManifest, sessionCookie } from "../e2e/attack-client";
import { Cluster, freeClusterPort, type Instance, type Release } from "../scripts/cluster/cluster";
import { ensureNginx } from "../scripts/cluster/nginx";
import { build, instanceEnv, startSharedServices } from "../scripts/cluster/services";
import { formatMix, startMixedLoad, type LoadUser, type MixResult } from "./load-mix";
import { cleanUpOnAbort, saveResults, seed, signIn } from "./lib";
import { sleep, startProof } from "./proof";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    seconds: { type: "string", default: "60" },
    users: { type: "string", default: "24" },
  },
});
const INSTANCES = Number(values.instances);
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const USERS = Number(values.users);
const PASSWORD = "cluster-password-123";
const { started, log, check, checks } = startProof();
const root = process.cwd();
const nginxBin = ensureNginx(log);
// A bridge of its own (to the same Redis when UPSTASH_* point at one): the Redis outage below stops it.
const services = await startSharedServices({ name: `anatomy_bench_cluster_${process.pid}`, log, ownBridge: true });
const METRICS_TOKEN = randomBytes(16).toString("hex");
// This process seeds through the app's own services: the same database, cache and key prefix as the instances.
Object.assign(process.env, services.env);
process.env.LOG_LEVEL ??= "warn";
const sql = postgres(services.databaseUrl, { max: 2, onnotice: () => {} });
// Below the ephemeral port range: the load's own connections take ports there, and an instance started mid-run
// found its port taken once.
const port = await freeClusterPort();
const cluster = new Cluster({
  dir: path.join(root, ".cluster", `bench-${port}`),
  port,
  firstInstancePort: port + 1,
  nginxBin,
  env: instanceEnv(services, port, { METRICS_TOKEN, LOG_LEVEL: "warn" }),
  log: (line) => log(`cluster: ${line}`),
});

let exitCode = 1;
cleanUpOnAbort(cleanUp);
try {
  // Three builds of the same sources with one server-actions key: each a release with its own build id.
  const actionsKey = randomBytes(32).toString("base64");
  const releases: Release[] = [];
  for (const id of ["r1", "r2", "r3"]) {
    build({ actionsKey, log });
    releases.push(cluster.prepareRelease(root, id));
  }
  const [r1, r2, r3] = releases as [Release, Release, Release];
  const actionIds = (release: Release) => readManifest(path.join(release.dir, ".next", "server")).actions;
  const actionId = (name: string) => actionIds(r1).find((a) => a.name === name)!.id;
  check(
    "action ids are the same in every release (one NEXT_SERVER_ACTIONS_ENCRYPTION_KEY)",
    [r2, r3].every((r) => actionIds(r).find((a) => a.name === "createTaskAction")?.id === actionId("createTaskAction")),
    `createTaskAction ${actionId("createTaskAction").slice(0, 12)}…, builds ${releases.map((r) => r.buildId).join(", ")}`,
  );

  await cluster.start();
  const clusterStart = new Date();
  await Promise.all(Array.from({ length: INSTANCES }, () => cluster.startInstance(r1)));
  const [a, b, c] = cluster.routed() as [Instance, Instance, Instance];
  const at = (instance: Instance) => new Client(`http://127.0.0.1:${instance.port}`);
  const lb = new Client(cluster.url);

  // ---- users ------------------------------------------------------------------------------------------------------
  const users: (LoadUser & { email: string; teammateId: string })[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `cluster-${i}-${started}@example.test`;
    const s = await seed({ email, password: PASSWORD, tasks: 20 });
    // Verified, as a user who opened the link: unverified users may not assign tasks to others.
    await sql`update users set email_verified = now() where id = ${s.userId}`;
    users.push({ cookie: await signIn(cluster.url, email, PASSWORD), orgId: s.orgId, orgSlug: s.orgSlug, projectId: s.projectId, email, teammateId: s.teammateId });
  }
  log(`${users.length} users signed in through the load balancer`);

  // ---- shared state -----------------------------------------------------------------------------------------------
  {
    const signInAt = await at(a).action(actionId("signInAction"), [["email", users[0]!.email], ["password", PASSWORD], ["callbackUrl", "/app"]], { path: "/sign-in" });
    const cookie = sessionCookie(signInAt.setCookie);
    const pages = await Promise.all([b, c].map((instance) => at(instance).request(`/${users[0]!.orgSlug}`, { cookie })));
    check(
      "a session made on one instance is accepted by the others",
      Boolean(cookie) && pages.every((p) => p.status === 200 && p.text.includes(users[0]!.orgSlug)),
      `signed in on ${a.name} (${signInAt.status}), dashboard on ${b.name}/${c.name}: ${pages.map((p) => p.status).join("/")}`,
    );
  }
  {
    const target = users.at(-1)!;
    const answers: string[] = [];
    for (let i = 0; i < 13; i++) {
      const instance = [a, b, c][i % 3]!;
      const answer = await at(instance).action(actionId("signInAction"), [["email", target.email], ["password", `wrong-${i}`], ["callbackUrl", "/app"]], { path: "/sign-in" });
      answers.push(answer.state?.error ?? `status ${answer.status}`);
    }
    const correct = await at(b).action(actionId("signInAction"), [["email", target.email], ["password", PASSWORD], ["callbackUrl", "/app"]], { path: "/sign-in" });
    const wrong = answers.filter((x) => x === "Incorrect email or password.").length;
    const limited = answers.filter((x) => x.startsWith("Too many sign-in attempts")).length;
    check(
      "sign-in guesses spread over every instance are limited as one",
      wrong === 10 && limited === 3 && Boolean(correct.state?.error?.startsWith("Too many")),
      `13 wrong passwords round-robin over ${a.name}/${b.name}/${c.name}: ${wrong} checked, ${limited} refused; then the right one: ${correct.state?.error ?? correct.status}`,
    );
  }
  {
    const user = users[0]!;
    const before = await at(b).request(`/${user.orgSlug}/settings`, { cookie: user.cookie }); // warms b's view of it
    const name = `Renamed ${started}`;
    const rename = await at(a).action(actionId("updateOrganizationAction"), [["orgId", user.orgId], ["name", name], ["slug", user.orgSlug]], { cookie: user.cookie, path: `/${user.orgSlug}/settings` });
    const after = await Promise.all([b, c].map((instance) => at(instance).request(`/${user.orgSlug}`, { cookie: user.cookie })));
    check(
      "a rename on one instance shows on the others' next load",
      before.status === 200 && !before.text.includes(name) && after.every((p) => p.status === 200 && p.text.includes(name)),
      `renamed on ${a.name} (${rename.status} ${rename.location ?? ""}); next load on ${b.name}/${c.name}: ${after.map((p) => (p.text.includes(name) ? "new name" : "OLD NAME")).join("/")}`,
    );
  }
  {
    const user = users[1]!;
    const assigned = 6;
    let acknowledged = 0;
    for (let i = 0; i < assigned; i++) {
      const answer = await lb.action(
        actionId("createTaskAction"),
        [["orgId", user.orgId], ["projectId", user.projectId], ["title", `assigned ${i}`], ["status", "todo"], ["assigneeId", user.teammateId], ["dueOn", ""]],
        { cookie: user.cookie, path: `/${user.orgSlug}/projects/${user.projectId}` },
      );
      if (answer.state?.ok) acknowledged++;
      else log(`assignment ${i}: ${answer.status} ${answer.location ?? ""} ${JSON.stringify(answer.state) ?? answer.text.slice(0, 300)}`);
    }
    const [teammate] = await sql<{ email: string }[]>`select email from users where id = ${user.teammateId}`;
    const count = async () => (await sql<{ n: number }[]>`select count(*)::int as n from mail_messages where "to" = ${teammate!.email}`)[0]!.n;
    let mails = 0;
    for (let i = 0; i < 60 && mails < acknowledged; i++, await sleep(500)) mails = await count();
    await sleep(3000);
    mails = await count();
    check("an assignment email is sent once whichever instance served the request", acknowledged === assigned && mails === assigned, `${acknowledged} tasks assigned through the load balancer, ${mails} emails to the assignee`);
  }

  // ---- with a replica -----------------------------------------------------------------------------------------------
  // .ci/run starts a streaming replica 2 s behind and exports DATABASE_REPLICA_URLS, which the instances inherit: the
  // checks above ran with it. Here, what it must not break across instances: a user's own write is in the list the
  // next instance serves at once (the WAL position travels in the user's cookie, not in an instance's memory), while
  // another user's read of a list goes to the replica.
  if (process.env.DATABASE_REPLICA_URLS) {
    const replicaReads = async (instance: Instance) => {
      const text = await (await fetch(`http://127.0.0.1:${instance.port}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      return text
        .split("\n")
        .filter((line) => line.startsWith("db_reads_total{") && line.includes('target="replica"'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
    };
    const writer = users[1]!;
    const title = `Read your own write ${started}`;
    const listPath = `/${writer.orgSlug}/projects/${writer.projectId}`;
    const created = await at(a).action(
      actionId("createTaskAction"),
      [["orgId", writer.orgId], ["projectId", writer.projectId], ["title", title], ["status", "todo"], ["assigneeId", ""], ["dueOn", ""]],
      { cookie: writer.cookie, path: listPath },
    );
    const createdAt = Date.now();
    const position = created.setCookie.map((c) => c.split(";")[0]!).find((c) => c.startsWith("anatomy-rw="));
    const list = await at(b).request(listPath, { cookie: [writer.cookie, position].filter(Boolean).join("; ") });
    // The same list without the position (another browser of the same user): from the replica, still 2 s behind. It
    // must not show the task yet, or the check above proved nothing.
    const stale = await at(c).request(listPath, { cookie: writer.cookie });
    const staleMs = Date.now() - createdAt;
    check(
      "with the replica 2 s behind, a task created on one instance is in the list the next instance serves at once",
      created.state?.ok === true && Boolean(position) && list.status === 200 && list.text.includes(title) && stale.status === 200 && (staleMs > 1500 || !stale.text.includes(title)),
      `created on ${a.name} (${created.state?.ok ? "ok" : created.state?.error ?? created.status}), position cookie ${position ? "set" : "missing"}; ${b.name}'s list ${list.status}, ${list.text.includes(title) ? "shows it" : "does not show it"}; without the cookie, ${c.name}'s list ${staleMs} ms after the write ${stale.text.includes(title) ? "shows it" : "does not show it yet (the replica's lag)"}`,
    );
    const reader = users[2]!;
    const before = await replicaReads(c);
    const read = await at(c).request(`/${reader.orgSlug}/projects/${reader.projectId}`, { cookie: reader.cookie });
    const after = await replicaReads(c);
    check("another user's task list is read from the replica", read.status === 200 && after > before, `${c.name}: ${after - before} statement(s) on the replica for ${read.status}`);
  } else {
    log("no DATABASE_REPLICA_URLS: the instances read from the primary only (.ci/run runs this with a replica 2 s behind)");
  }

  // ---- rolling deploy ---------------------------------------------------------------------------------------------
  // Lost writes: acknowledged tasks (an `ok` answer) that are not in the table.
  const lostOf = async (titles: string[]) => {
    const found = await sql<{ n: number }[]>`select count(*)::int as n from tasks where title = any(${titles})`;
    return titles.length - found[0]!.n;
  };
  const underLoad = async (phase: string, during: () => Promise<void>): Promise<MixResult & { lost: number }> => {
    const load = startMixedLoad(cluster.url, { users, createTaskActionId: actionId("createTaskAction"), connections: CONNECTIONS, tag: `load-${phase}-${started}` });
    const from = Date.now();
    await sleep(3000);
    await during();
    const left = SECONDS * 1000 - (Date.now() - from);
    if (left > 0) await sleep(left);
    await sleep(2000);
    const result = await load.stop();
    const lost = await lostOf(result.acknowledgedTitles);
    log(formatMix(phase, result));
    return { ...result, lost };
  };

  let rollMs = 0;
  const rolling = await underLoad("rolling deploy", async () => {
    const t = Date.now();
    await cluster.rollTo(r2);
    rollMs = Date.now() - t;
  });
  const onR2 = cluster.routed().every((i) => i.release === "r2") && cluster.routed().length === INSTANCES;
  check(
    "rolling deploy under load: 0 failed requests",
    rolling.failed === 0 && onR2,
    `${INSTANCES} instances replaced r1 → r2 in ${(rollMs / 1000).toFixed(1)} s; ${rolling.requests} requests, ${rolling.failed} failed ${JSON.stringify(rolling.failures)}`,
  );
  check("rolling deploy under load: 0 lost writes", rolling.lost === 0 && rolling.acknowledgedWrites > 0, `${rolling.acknowledgedWrites} writes acknowledged, ${rolling.lost} of them missing`);

  // ---- blue-green -------------------------------------------------------------------------------------------------
  const smoke = async (instance: Instance): Promise<string | undefined> => {
    const client = at(instance);
    const ready = await client.request("/api/ready");
    if (ready.status !== 200) return `/api/ready ${ready.status}`;
    const signInPage = await client.request("/sign-in");
    if (signInPage.status !== 200) return `/sign-in ${signInPage.status}`;
    const dashboard = await client.request(`/${users[2]!.orgSlug}`, { cookie: users[2]!.cookie });
    if (dashboard.status !== 200) return `a signed-in user's dashboard answered ${dashboard.status} ${dashboard.location ?? ""}`;
    return undefined;
  };
  {
    // A green started with another AUTH_SECRET (a deploy that lost its secret): every session would end on switch.
    const broken = await cluster.startInstance(r3, "green", { AUTH_SECRET: randomBytes(32).toString("base64url") });
    const failure = await smoke(broken);
    const stillBlue = cluster.liveColor === "blue" && cluster.routed().every((i) => i.color === "blue");
    check("a green that fails its smoke test is never switched to", failure !== undefined && stillBlue, `smoke test of ${broken.name}: ${failure ?? "passed (!)"}; live colour ${cluster.liveColor}`);
    await cluster.stopInstance(broken);
  }
  const green: Instance[] = [];
  for (let i = 0; i < INSTANCES; i++) green.push(await cluster.startInstance(r3, "green"));
  const smokes = await Promise.all(green.map(smoke));
  check("green passes its smoke test, beside blue", smokes.every((s) => s === undefined), smokes.map((s, i) => `${green[i]!.name}: ${s ?? "ok"}`).join(", "));
  let blueWarm = false;
  const blueGreen = await underLoad("blue-green switch and rollback", async () => {
    await cluster.switchTo("green");
    await sleep(Math.max(3000, (SECONDS * 1000) / 3));
    blueWarm = cluster.instances.filter((i) => i.color === "blue" && i.state === "ready").length === INSTANCES;
    await cluster.switchTo("blue");
  });
  check(
    "blue-green switch and rollback under load: 0 failed requests",
    blueGreen.failed === 0 && blueWarm && cluster.liveColor === "blue",
    `${blueGreen.requests} requests, ${blueGreen.failed} failed ${JSON.stringify(blueGreen.failures)}; blue kept warm while green was live: ${blueWarm}`,
  );
  check("blue-green under load: 0 lost writes", blueGreen.lost === 0 && blueGreen.acknowledgedWrites > 0, `${blueGreen.acknowledgedWrites} writes acknowledged, ${blueGreen.lost} of them missing`);

  // ---- cron ticks -------------------------------------------------------------------------------------------------
  {
    // Whole minutes, from the first tick after the cluster started to a tick at least 10 s old (its run recorded by
    // then): a tick's run starts seconds after it, so ticks scheduled and runs started in the same window pair up. (A
    // window of runs that ended a few seconds after the ticks' once counted the run of a tick it did not count.)
    const MINUTE = 60_000;
    const from = Math.ceil(clusterStart.getTime() / MINUTE) * MINUTE;
    const boundary = () => Math.floor((Date.now() - 10_000) / MINUTE) * MINUTE;
    if (boundary() - from < MINUTE) await sleep(from + MINUTE + 11_000 - Date.now()); // at least one whole minute
    const [start, until] = [new Date(from), new Date(boundary())];
    const ticks = await sql<{ n: number; instances: number }[]>`
      select count(*)::int as n, count(distinct claimed_by)::int as instances from job_cron_ticks
      where function_id like '%redispatch-outbox' and scheduled_at >= ${start} and scheduled_at < ${until}`;
    const runs = await sql<{ n: number }[]>`
      select count(*)::int as n from job_runs
      where function_id like '%redispatch-outbox' and started_at >= ${start} and started_at < ${until}`;
    const minutes = (until.getTime() - start.getTime()) / MINUTE;
    check(
      "each cron tick runs once across the cluster",
      ticks[0]!.n === runs[0]!.n && ticks[0]!.n <= minutes && ticks[0]!.n >= minutes - 1 && minutes >= 1,
      `${minutes} minute ticks passed with ${INSTANCES}-${INSTANCES * 2} instances firing each: ${ticks[0]!.n} claimed (by ${ticks[0]!.instances} different instances), ${runs[0]!.n} runs of redispatch-outbox`,
    );
  }

  // ---- Redis down for 20 s ----------------------------------------------------------------------------------------
  // The bridge goes away (connections cut, new ones refused): the cache and the rate limits must fail open, so every
  // request still succeeds (from the database), and the cache serves hits again once Redis is back.
  {
    const cacheCounts = async () => {
      let hit = 0;
      let error = 0;
      for (const i of cluster.routed()) {
        const text = await (await fetch(`http://127.0.0.1:${i.port}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        for (const line of text.split("\n")) {
          if (!line.startsWith("cache_requests_total{")) continue;
          const value = Number(line.slice(line.lastIndexOf(" ") + 1));
          if (line.includes('result="hit"')) hit += value;
          if (line.includes('result="error"')) error += value;
        }
      }
      return { hit, error };
    };
    let down = { hit: 0, error: 0 };
    let back = { hit: 0, error: 0 };
    const outage = await underLoad("Redis down 20 s", async () => {
      const before = await cacheCounts();
      await services.stopBridge();
      await sleep(20_000);
      const during = await cacheCounts();
      down = { hit: during.hit - before.hit, error: during.error - before.error };
      await services.startBridgeAgain();
      await sleep(5_000);
      const after = await cacheCounts();
      back = { hit: after.hit - during.hit, error: after.error - during.error };
    });
    check(
      "Redis down for 20 s under load: 0 failed requests, the cache serves hits again after",
      outage.failed === 0 && outage.lost === 0 && down.error > 0 && back.hit > 0,
      `${outage.requests} requests, ${outage.failed} failed ${JSON.stringify(outage.failures)}, ${outage.lost} writes lost; cache during the outage: ${down.error} errors (answered from the database), ${down.hit} hits; in the 5 s after: ${back.hit} hits, ${back.error} errors; p95 ${outage.p95} ms`,
    );
  }

  // ---- throughput at 1, 2, 3 instances ---------------------------------------------------------------------------
  // Green goes (it was kept warm for the rollback), then blue is cut to one instance and grown back, the same load on
  // each size. On this machine's two cores the instances share the CPU with nginx, Postgres, Redis and the load
  // generator, so this measures the harness as much as the app: docs/scaling.md says what to expect elsewhere.
  for (const i of cluster.instances.filter((x) => x.color === "green" && x.state !== "exited")) await cluster.stopInstance(i);
  for (const i of cluster.routed().slice(1)) await cluster.stopInstance(i);
  const scale: { instances: number; requestsPerSec: number; p50: number; p95: number; failed: number }[] = [];
  for (let n = 1; n <= INSTANCES; n++) {
    while (cluster.routed().length < n) await cluster.startInstance(r2);
    const load = startMixedLoad(cluster.url, { users, createTaskActionId: actionId("createTaskAction"), connections: CONNECTIONS, tag: `load-scale-${n}-${started}` });
    await sleep(Math.max(5000, (SECONDS * 1000) / 2));
    const result = await load.stop();
    log(formatMix(`${n} instance(s)`, result));
    scale.push({ instances: n, requestsPerSec: result.requestsPerSec, p50: result.p50, p95: result.p95, failed: result.failed });
  }
  check(
    "the same load on 1, 2 and 3 instances: 0 failed requests",
    scale.every((r) => r.failed === 0),
    scale.map((r) => `${r.instances}: ${r.requestsPerSec}/s (×${(r.requestsPerSec / scale[0]!.requestsPerSec).toFixed(2)}), p95 ${r.p95} ms`).join("; "),
  );

  const failed = checks.filter((x) => !x.ok);
  console.log(`\ncluster proof: ${checks.length - failed.length}/${checks.length} checks passed, ${INSTANCES} instances, ${CONNECTIONS} connections, ${SECONDS} s per deploy phase`);
  for (const f of failed) console.log(`  FAILED ${f.name}: ${f.detail}`);
  const figures = (r: MixResult & { lost: number }) => ({ ...r, acknowledgedTitles: undefined });
  const file = saveResults("cluster", { instances: INSTANCES, connections: CONNECTIONS, seconds: SECONDS, users: USERS, checks, rolling: figures(rolling), blueGreen: figures(blueGreen), scale });
  console.log(`results: ${file}`);
  exitCode = failed.length === 0 ? 0 : 1;
} catch (error) {
  console.error(error);
} finally {
  await cleanUp();
}
process.exit(exitCode);

async function cleanUp() {
  await cluster.stop().catch((e: unknown) => console.error(e));
  await sql.end();
  const { closeDb } = await import("@/lib/db/client");
  await closeDb().catch(() => {});
  await services.close().catch((e: unknown) => console.error(e));
}
