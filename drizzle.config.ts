import { readdirSync } from "node:fs";
import { defineConfig } from "drizzle-kit";

// activity_events (db/schema/activity.ts) is deliberately left out: it is a partitioned table, which drizzle-kit cannot express,
// so it is created by a reviewed custom migration (docs/decisions/003-partitioned-activity.md).
const notForDrizzleKit = new Set(["index.ts", "activity.ts"]);

export default defineConfig({
  dialect: "postgresql",
  // Every schema file, so a new module's table needs no line here; index.ts only re-exports them.
  schema: readdirSync("db/schema")
    .filter((file) => file.endsWith(".ts") && !notForDrizzleKit.has(file))
    .sort()
    .map((file) => `./db/schema/${file}`),
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anatomy" },
  strict: true,
  verbose: true,
});
