/**
 * A streaming replica of a Postgres on this machine, for CI and local runs against primary + replica:
 *
 *   node --import tsx scripts/cluster/replica.ts start --primary-port 5432 --port 5499 --apply-delay-ms 2000
 *     prints the replica's data directory (its last line) once it accepts connections
 *   node --import tsx scripts/cluster/replica.ts stop <data directory>
 *
 * The primary must accept replication connections from 127.0.0.1 (.ci/run adds the pg_hba line; see
 * scripts/cluster/postgres.ts).
 */
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { startStreamingReplica, stopServerIn } from "./postgres";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "primary-port": { type: "string", default: "5432" }, port: { type: "string", default: "5499" }, "apply-delay-ms": { type: "string", default: "0" } },
});
const log = (line: string) => console.error(line);
const [command, dataDir] = positionals;
if (command === "start") {
  const replica = startStreamingReplica({ primaryPort: Number(values["primary-port"]), port: Number(values.port), applyDelayMs: Number(values["apply-delay-ms"]), log });
  console.log(replica.dataDir);
} else if (command === "stop" && dataDir) {
  stopServerIn(dataDir, log);
  rmSync(dataDir, { recursive: true, force: true });
} else {
  console.error("usage: replica.ts start [--primary-port 5432] [--port 5499] [--apply-delay-ms 0] | stop <data directory>");
  process.exit(2);
}
