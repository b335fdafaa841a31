import { closeDb, getDbHandle, openPostgres, setDbHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";

// `npm run db:migrate`: the deploy step that applies drizzle/ to DATABASE_URL (or to the embedded PGlite data dir).
const env = getEnv();
// Without the request timeouts: building an index on a large table may rightly take minutes.
if (env.DATABASE_URL) setDbHandle(openPostgres(env.DATABASE_URL, 2, { timeouts: false }));
const handle = getDbHandle();
console.log(`Migrating ${env.DATABASE_URL ? "DATABASE_URL" : `embedded PGlite at ${env.dataDir}/pglite`}...`);
await migrateDatabase(handle, { lockTimeoutMs: env.MIGRATION_LOCK_TIMEOUT_MS, retries: env.MIGRATION_LOCK_RETRIES, log: (line) => console.log(line) });
await closeDb();
console.log("Migrations applied; activity partitions ensured.");
