import { defineConfig } from "drizzle-kit";

// activity_events is deliberately absent from this list: it is a partitioned table, which drizzle-kit cannot express,
// so it is created by a reviewed custom migration (docs/decisions/003-partitioned-activity.md).
export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./db/schema/auth.ts",
    "./db/schema/organizations.ts",
    "./db/schema/projects.ts",
    "./db/schema/mail.ts",
    "./db/schema/jobs.ts",
    "./db/schema/files.ts",
    "./db/schema/data-transfers.ts",
  ],
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anatomy" },
  strict: true,
  verbose: true,
});
