import { afterAll, beforeAll } from "vitest";
import { closeDb, openPglite, openPostgres, setDbHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";

beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (url) {
    setDbHandle(openPostgres(url, 4));
  } else {
    const handle = openPglite(undefined);
    await migrateDatabase(handle);
    setDbHandle(handle);
  }
});

afterAll(async () => {
  await closeDb();
});
