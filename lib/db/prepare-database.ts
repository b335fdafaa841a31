import { getDbHandle } from "@/lib/db/client";
import { ensureActivityPartitions } from "@/lib/db/activity-partitions";
import { migrateDatabase } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";

/** Server start (instrumentation.ts): the database made ready before the first request. */
export async function prepareDatabase(): Promise<void> {
  if (getEnv().isBuild) return;
  const handle = getDbHandle();
  if (handle.kind === "pglite") {
    // Zero-setup mode: the embedded database is migrated at start. A real Postgres is migrated by the deploy step
    // (`npm run db:migrate`), never by a booting instance racing the others.
    await migrateDatabase(handle);
  } else {
    await ensureActivityPartitions(handle.db);
    // Read replicas (DATABASE_REPLICA_URLS): polled from start, so the first requests find them measured.
    const { pollReplicasNow } = await import("@/lib/db/replicas");
    await pollReplicasNow().catch((error: unknown) => logger.warn({ err: error }, "read replicas: first poll failed"));
  }
}
