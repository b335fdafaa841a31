import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string | null;
  }
}

// Against a real Postgres (DATABASE_URL) the schema is migrated once for the whole run and test files share it,
// each owning its rows. Without DATABASE_URL, one PGlite is migrated here and dumped; every test file starts its
// own in-memory copy of that dump (lib/testing/setup.ts), which is several times faster than migrating each time.
export default async function setup(project: TestProject) {
  const url = getEnv().DATABASE_URL;
  if (url) {
    console.log(`[vitest] database: ${url.replace(/\/\/[^@]*@/, "//***@")}`);
    const handle = openPostgres(url, 2);
    try {
      await migrateDatabase(handle);
    } finally {
      await handle.close();
    }
    project.provide("pgliteTemplate", null);
    return;
  }
  console.log("[vitest] database: in-memory PGlite per test file (set DATABASE_URL to use a Postgres server)");
  const handle = openPglite(undefined);
  await migrateDatabase(handle);
  const client = (handle.db as unknown as { $client: import("@electric-sql/pglite").PGlite }).$client;
  await client.exec("CHECKPOINT"); // the dump copies files: flush the migrated catalog to them first
  const dump = await client.dumpDataDir("none");
  await handle.close();
  const file = path.join(tmpdir(), `anatomy-pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplate", file);
  return () => rmSync(file, { force: true });
}
