// bench/scale.ts's database, and the environment of the app code it runs in its own process (the plan checks): set
// before any app module loads, since lib/env.ts reads the environment once, when the first of them does.

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  console.error("bench:scale needs a Postgres server: set DATABASE_URL (a database of its own is created there).");
  process.exit(2);
}
export const BASE_URL = baseUrl;
export const DATABASE = `anatomy_scale_${process.pid}`;
export const DATABASE_URL = Object.assign(new URL(baseUrl), { pathname: `/${DATABASE}` }).toString();

process.env.DATABASE_URL = DATABASE_URL;
// Every read computed (no cache in front), on the primary: a replica configured for .ci/run's database names another.
process.env.ANATOMY_CACHE = "0";
delete process.env.DATABASE_REPLICA_URLS;
delete process.env.UPSTASH_REDIS_REST_URL;
delete process.env.UPSTASH_REDIS_REST_TOKEN;
