import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { startBridge, type Bridge } from "../upstash-bridge";

// What a local cluster shares: one Postgres database, Redis through the Upstash bridge, one AUTH_SECRET, and builds
// made with one server-actions key (so action ids match across releases: an old page posting to a new instance).

export type SharedServices = {
  env: Record<string, string>;
  bridge: Bridge | undefined;
  /** Only with a bridge of its own: Redis as the instances see it goes away (connections cut) and comes back. */
  stopBridge: () => Promise<void>;
  startBridgeAgain: () => Promise<void>;
  databaseUrl: string;
  /** Drops what was created here (the database, the bridge); leaves what was given. */
  close: () => Promise<void>;
};

const PG = { host: process.env.CLUSTER_PG_HOST ?? "127.0.0.1", port: process.env.CLUSTER_PG_PORT ?? "5432", user: process.env.CLUSTER_PG_USER ?? "postgres" };

function psql(sql: string): void {
  const result = spawnSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG.host, "-p", PG.port, "-U", PG.user, "-d", "postgres", "-c", sql], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`psql failed (${sql}): ${result.stderr || result.error}`);
}

/**
 * DATABASE_URL and UPSTASH_* from the environment when set; otherwise a database of its own on the local Postgres
 * (migrated) and a bridge of its own to the local Redis. `keep`: the created database outlives close().
 */
export async function startSharedServices(opts: { name: string; log: (line: string) => void; keepDatabase?: boolean; ownBridge?: boolean }): Promise<SharedServices> {
  let databaseUrl = process.env.DATABASE_URL ?? "";
  let createdDb = "";
  if (!databaseUrl) {
    createdDb = opts.name.replace(/[^a-z0-9_]/gi, "_").toLowerCase();
    psql(`DROP DATABASE IF EXISTS "${createdDb}" WITH (FORCE)`);
    psql(`CREATE DATABASE "${createdDb}"`);
    databaseUrl = `postgres://${PG.user}@${PG.host}:${PG.port}/${createdDb}`;
    opts.log(`database ${createdDb} created`);
  }
  const migrate = spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/migrate.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migration failed: ${migrate.stderr}`);
  opts.log("database migrated");

  let bridge: Bridge | undefined;
  let upstashUrl = process.env.UPSTASH_REDIS_REST_URL ?? "";
  let upstashToken = process.env.UPSTASH_REDIS_REST_TOKEN ?? "";
  if (!upstashUrl || opts.ownBridge) {
    upstashToken = randomBytes(16).toString("hex");
    bridge = await startBridge({ token: upstashToken, port: 0, redisUrl: process.env.REDIS_URL });
    upstashUrl = bridge.url;
    opts.log(`upstash bridge on ${bridge.url} (Redis ${bridge.redisUrl})`);
  }
  const bridgePort = bridge?.port;

  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    UPSTASH_REDIS_REST_URL: upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: upstashToken,
    CACHE_KEY_PREFIX: `${process.env.CACHE_KEY_PREFIX ?? "anatomy"}-${opts.name}-${Date.now()}`,
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
  };
  return {
    env,
    bridge,
    databaseUrl,
    stopBridge: async () => {
      if (!bridge) throw new Error("no bridge of its own to stop");
      await bridge.close();
      bridge = undefined;
    },
    startBridgeAgain: async () => {
      if (bridge || bridgePort === undefined) return;
      bridge = await startBridge({ token: upstashToken, port: bridgePort, redisUrl: process.env.REDIS_URL });
    },
    close: async () => {
      await bridge?.close();
      if (createdDb && !opts.keepDatabase) psql(`DROP DATABASE IF EXISTS "${createdDb}" WITH (FORCE)`);
    },
  };
}

/**
 * `next build` with the cluster's server-actions key: action ids (and their encrypted arguments) then match across
 * builds made with the same key. A deploy must build with one key (docs/scaling.md); a random one per build makes a
 * page from the old release post actions the new one does not know.
 */
export function build(opts: { actionsKey: string; log: (line: string) => void }): void {
  const started = Date.now();
  const result = spawnSync("npx", ["next", "build"], {
    env: { ...process.env, NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: opts.actionsKey, NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${(result.stdout + result.stderr).slice(-4000)}`);
  opts.log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * What every instance of a local cluster behind nginx on `port` runs with: the shared services, the load balancer's
 * URL, one trusted proxy hop (nginx appends the client's address to X-Forwarded-For), the embedded job executor and
 * dev mailbox (no Inngest or SMTP here), and a drain that covers requests in flight (an instance is out of rotation
 * before its SIGTERM; p99 is 2-3 s on 2 cores).
 */
export function instanceEnv(services: SharedServices, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...services.env,
    APP_URL: `http://127.0.0.1:${port}`,
    TRUSTED_PROXY_HOPS: "1",
    ANATOMY_EMBEDDED: "1",
    ANATOMY_DEV_MAILBOX: "1",
    SHUTDOWN_DRAIN_SECONDS: "6",
    ...extra,
  };
}
