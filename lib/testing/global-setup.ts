import { migrateDatabase } from "@/lib/db/migrate";
import { openPostgres } from "@/lib/db/client";

// Against a real Postgres (DATABASE_URL) the schema is migrated once for the whole run; each test file then owns
// its rows. Without DATABASE_URL every test file gets its own in-memory PGlite (lib/testing/setup.ts).
export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log("[vitest] database: in-memory PGlite per test file (set DATABASE_URL to use a Postgres server)");
    return;
  }
  console.log(`[vitest] database: ${url.replace(/\/\/[^@]*@/, "//***@")}`);
  const handle = openPostgres(url, 2);
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
}
