// A server that cannot start (its configuration is incomplete, the embedded database is locked by another process,
// the database cannot be migrated) must say why and exit non-zero. Left to Next, it logs "Failed to prepare server"
// and stays up answering 500 to every request, health checks included, while its supervisor (systemd, the container
// runtime, the platform) believes it runs and a deploy carries on. Node-only: instrumentation.ts, whose edge
// compilation must stay free of Node APIs, imports it when start-up fails (e2e/startup.spec.ts).
export function failStartup(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  // A configuration error says all there is to say; anything else (a database, a migration) keeps its stack and cause.
  const detail = error instanceof Error && error.name !== "ConfigError" ? `\n${error.stack ?? ""}${error.cause ? `\ncaused by: ${String((error.cause as Error).stack ?? error.cause)}` : ""}` : "";
  process.stderr.write(`anatomy: start-up failed: ${message}${detail}\n`);
  process.exit(1);
}
