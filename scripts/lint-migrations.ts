import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { lintMigration, newLintState } from "./migration-lint";

// `npm run db:lint-migrations`: the migration lint (scripts/migration-lint.ts) over every file in drizzle/. Exit 1 on a
// finding; `npm test` runs the same check (scripts/migration-lint.test.ts).

const dir = path.resolve("drizzle");
const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
let count = 0;
const state = newLintState();
for (const file of files) {
  for (const f of await lintMigration(file, readFileSync(path.join(dir, file), "utf8"), state)) {
    count++;
    console.log(`${f.file}:${f.line}  ${f.rule}  ${f.message}\n    ${f.statement}`);
  }
}
console.log(count ? `\n${count} finding(s) in ${files.length} migrations: make the statement safe, or annotate it above with\n  -- migration-lint: allow <rule>: <why it is safe here>` : `${files.length} migrations: no finding`);
process.exit(count ? 1 : 0);
