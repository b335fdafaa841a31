/**
 * `npm run cluster -- --instances 3 [--port 8400] [--build]`: the standalone build, N instances behind nginx, one
 * Postgres database and Redis (through the Upstash bridge) shared by all. See docs/scaling.md.
 *
 * DATABASE_URL / UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN / AUTH_SECRET are used when set; otherwise the
 * cluster creates a database `anatomy_cluster_<port>` on the local Postgres and a bridge to the local Redis. Jobs run
 * in each instance's in-process executor (each cron tick on one instance); production uses Inngest (docs/jobs.md).
 *
 * While it runs, type a command: `status`, `add`, `remove`, `roll` (build again, replace each instance in turn),
 * `quit` (or Ctrl-C).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Cluster } from "./cluster";
import { ensureNginx } from "./nginx";
import { build, instanceEnv, startSharedServices } from "./services";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "3" },
    port: { type: "string", default: "8400" },
    build: { type: "boolean", default: false },
  },
});
const instances = Number(values.instances);
const port = Number(values.port);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) throw new Error("--instances must be 1..16");

const log = (line: string) => console.log(`cluster: ${line}`);
const root = process.cwd();
const actionsKey = process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY ?? randomBytes(32).toString("base64");
const nginxBin = ensureNginx(log);
const services = await startSharedServices({ name: `anatomy_cluster_${port}`, log, keepDatabase: true });
if (values.build) build({ actionsKey, log });
const cluster = new Cluster({
  dir: path.join(root, ".cluster", String(port)),
  port,
  firstInstancePort: port + 1,
  nginxBin,
  env: instanceEnv(services, port, { LOG_LEVEL: process.env.LOG_LEVEL ?? "info" }),
  log,
});

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  log("stopping");
  await cluster.stop();
  await services.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

let releaseNo = 1;
let release = cluster.prepareRelease(root, `r${releaseNo}`);
await cluster.start();
await Promise.all(Array.from({ length: instances }, () => cluster.startInstance(release)));
log(`${instances} instance(s) behind ${cluster.url} (mail: ${cluster.url}/dev/mailbox); commands: status, add, remove, roll, quit`);

const status = () => {
  for (const i of cluster.instances.filter((x) => x.state !== "exited")) log(`  ${i.name} :${i.port} ${i.release} ${i.color} ${i.state} (log ${i.logFile})`);
};

for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  try {
    if (command === "status") status();
    else if (command === "add") await cluster.startInstance(release);
    else if (command === "remove") {
      const victim = cluster.routed().at(-1);
      if (victim) await cluster.stopInstance(victim);
    } else if (command === "roll") {
      build({ actionsKey, log });
      release = cluster.prepareRelease(root, `r${++releaseNo}`);
      await cluster.rollTo(release);
      status();
    } else if (command === "quit") break;
    else if (command) log(`unknown command ${command}: status, add, remove, roll, quit`);
  } catch (error) {
    log(`${command} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
await shutdown();
