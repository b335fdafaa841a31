import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lintMigration, newLintState } from "./migration-lint";

const rules = async (sql: string) => (await lintMigration("test.sql", sql)).map((f) => f.rule);

describe("the migration lint", () => {
  it("passes every migration in drizzle/ (each refusal there is annotated with its reason)", async () => {
    const dir = path.resolve("drizzle");
    const findings = [];
    const state = newLintState();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) findings.push(...(await lintMigration(file, readFileSync(path.join(dir, file), "utf8"), state)));
    expect(findings).toEqual([]);
  });

  it.each([
    ["index-not-concurrent", `CREATE INDEX "t_a_idx" ON "tasks" ("a");`, `CREATE INDEX CONCURRENTLY IF NOT EXISTS "t_a_idx" ON "tasks" ("a");`],
    ["drop-index", `DROP INDEX "t_a_idx";`, `DROP INDEX CONCURRENTLY IF EXISTS "t_a_idx";`],
    ["constraint-validated", `ALTER TABLE "tasks" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "users"("id");`, `ALTER TABLE "tasks" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "users"("id") NOT VALID;`],
    ["constraint-validated", `ALTER TABLE "tasks" ADD CONSTRAINT "c" CHECK (a > 0);`, `ALTER TABLE "tasks" ADD CONSTRAINT "c" CHECK (a > 0) NOT VALID;`],
    ["set-not-null", `ALTER TABLE "tasks" ALTER COLUMN "a" SET NOT NULL;`, `ALTER TABLE "tasks" ADD CONSTRAINT "a_nn" CHECK ("a" IS NOT NULL) NOT VALID;`],
    ["column-type", `ALTER TABLE "tasks" ALTER COLUMN "a" TYPE bigint;`, `ALTER TABLE "tasks" ADD COLUMN "a2" bigint;`],
    ["drop-column", `ALTER TABLE "tasks" DROP COLUMN "a";`, `ALTER TABLE "tasks" ADD COLUMN "b" text;`],
    ["drop-table", `DROP TABLE "old_things";`, `CREATE TABLE "new_things" ("id" uuid PRIMARY KEY);`],
    ["rename", `ALTER TABLE "tasks" RENAME COLUMN "a" TO "b";`, `ALTER TABLE "tasks" ADD COLUMN "b" text;`],
    ["rename", `ALTER TABLE "tasks" RENAME TO "todos";`, `CREATE VIEW "todos" AS SELECT * FROM "tasks";`],
    ["volatile-default", `ALTER TABLE "tasks" ADD COLUMN "k" uuid DEFAULT gen_random_uuid();`, `ALTER TABLE "tasks" ADD COLUMN "k" timestamptz DEFAULT now();`],
    ["detach-partition", `ALTER TABLE "activity_events" DETACH PARTITION "activity_events_2025_01";`, `ALTER TABLE "activity_events" DETACH PARTITION "activity_events_2025_01" CONCURRENTLY;`],
  ])("refuses %s: %s, and passes its safe form", async (rule, unsafe, safe) => {
    expect(await rules(unsafe)).toEqual([rule]);
    expect(await rules(safe)).toEqual([]);
  });

  it("lets SET NOT NULL through once a NOT VALID check of the same column has been validated, here or in an earlier file", async () => {
    const add = `ALTER TABLE "tasks" ADD CONSTRAINT "tasks_a_nn" CHECK ("a" IS NOT NULL) NOT VALID;`;
    const validate = `ALTER TABLE "tasks" VALIDATE CONSTRAINT "tasks_a_nn";`;
    const setNotNull = `ALTER TABLE "tasks" ALTER COLUMN "a" SET NOT NULL;`;
    expect(await rules(`${add}\n${validate}\n${setNotNull}`)).toEqual([]);
    // Not validated, or a check of another column: still a scan under the lock.
    expect(await rules(`${add}\n${setNotNull}`)).toEqual(["set-not-null"]);
    expect(await rules(`${add}\n${validate}\nALTER TABLE "tasks" ALTER COLUMN "b" SET NOT NULL;`)).toEqual(["set-not-null"]);
    // Across files, with the state carried from one to the next as the lint does over drizzle/.
    const state = newLintState();
    expect(await lintMigration("0001.sql", add, state)).toEqual([]);
    expect(await lintMigration("0002.sql", validate, state)).toEqual([]);
    expect(await lintMigration("0003.sql", setNotNull, state)).toEqual([]);
    expect(await lintMigration("0003.sql", setNotNull)).toHaveLength(1);
  });

  it("asks a migration that runs outside a transaction (a CONCURRENTLY statement) to be safe to run again", async () => {
    expect(await rules(`CREATE INDEX CONCURRENTLY "a_idx" ON "tasks" ("a");--> statement-breakpoint\nDROP INDEX CONCURRENTLY "b_idx";`)).toEqual(["not-rerunnable", "not-rerunnable"]);
    expect(await rules(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "a_idx" ON "tasks" ("a");--> statement-breakpoint\nDROP INDEX CONCURRENTLY IF EXISTS "b_idx";`)).toEqual([]);
    // Anything else beside a CONCURRENTLY statement could not run twice; two statements in one chunk run as one query.
    expect(await rules(`ALTER TABLE "tasks" ADD COLUMN "x" text;\n--> statement-breakpoint\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "x_idx" ON "tasks" ("x");`)).toEqual(["not-rerunnable"]);
    expect(await rules(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "a_idx" ON "tasks" ("a");\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "b_idx" ON "tasks" ("b");`)).toEqual(["not-rerunnable", "not-rerunnable"]);
    expect(await rules(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "a_idx" ON "tasks" ("a");--> statement-breakpoint\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "b_idx" ON "tasks" ("b");`)).toEqual([]);
    expect(await rules(`REINDEX INDEX CONCURRENTLY "a_idx";--> statement-breakpoint\nALTER TABLE "tasks" ADD COLUMN "y" text;`)).toEqual(["not-rerunnable"]);
    // In a transaction (no CONCURRENTLY anywhere in the file) a half-done run is rolled back: IF NOT EXISTS is not asked.
    expect(await rules(`CREATE TABLE "fresh" ("a" text);\nCREATE INDEX "fresh_a_idx" ON "fresh" ("a");`)).toEqual([]);
  });

  it("leaves a table created earlier in the same migration alone: it is empty and nothing reads it yet", async () => {
    const sql = `CREATE TABLE "fresh" ("id" uuid PRIMARY KEY, "a" text, "user_id" uuid);--> statement-breakpoint
CREATE INDEX "fresh_a_idx" ON "fresh" ("a");--> statement-breakpoint
ALTER TABLE "fresh" ADD CONSTRAINT "fresh_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "fresh" ALTER COLUMN "a" SET NOT NULL;
CREATE INDEX "tasks_b_idx" ON "tasks" ("b");`;
    expect(await lintMigration("m.sql", sql)).toEqual([expect.objectContaining({ rule: "index-not-concurrent", line: 5, statement: `CREATE INDEX "tasks_b_idx" ON "tasks" ("b")` })]);
  });

  it("accepts a statement annotated right above it with the rule and a reason, and only that rule", async () => {
    const annotated = `-- migration-lint: allow drop-index: nothing has read this index since the counters replaced it
DROP INDEX "t_a_idx";`;
    expect(await rules(annotated)).toEqual([]);
    // The annotation covers its own statement, not the next one, and not another rule.
    expect(await rules(`${annotated}\nDROP INDEX "t_b_idx";`)).toEqual(["drop-index"]);
    expect(await rules(`-- migration-lint: allow drop-index: nothing reads the column any more, says the review\nALTER TABLE "t" DROP COLUMN "c";`)).toEqual(["drop-column"]);
  });

  it("refuses an annotation without a reason", async () => {
    const findings = await lintMigration("m.sql", `-- migration-lint: allow drop-index: ok\nDROP INDEX "t_a_idx";`);
    expect(findings.map((f) => f.rule)).toEqual(["annotation", "drop-index"]);
    expect(findings[0]!.message).toMatch(/must say why it is safe/);
  });

  it("reads SQL as Postgres does: a statement split over lines, a string that looks like DDL, an invalid file", async () => {
    expect(await rules(`SELECT 'DROP TABLE tasks; CREATE INDEX x ON tasks (a)';`)).toEqual([]);
    expect(await rules(`CREATE\n  INDEX "x"\n  ON "tasks" ("a");`)).toEqual(["index-not-concurrent"]);
    await expect(lintMigration("bad.sql", "CREATE INDEX ON;")).rejects.toThrow(/syntax error/);
  });
});
