// Runs once when a server instance starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertProductionConfig, getEnv } = await import("@/lib/env");
  const env = getEnv();
  if (env.isBuild) return;
  // Fail fast, naming the missing variable, rather than serving errors later.
  assertProductionConfig(env);
  const { getDbHandle } = await import("@/lib/db/client");
  const { ensureActivityPartitions, migrateDatabase } = await import("@/lib/db/migrate");
  const handle = getDbHandle();
  if (handle.kind === "pglite") {
    // Zero-setup mode: the embedded database is migrated at start. A real Postgres is migrated by the deploy step
    // (`npm run db:migrate`), never by a booting instance racing the others.
    await migrateDatabase(handle);
  } else {
    await ensureActivityPartitions(handle);
  }
}
