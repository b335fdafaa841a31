import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const infra = ["./lib/cache", "./lib/db", "./lib/storage", "./lib/seal.ts", "./lib/jobs/client.ts", "./lib/jobs/start-local-jobs.ts", "./lib/jobs/events.ts", "./lib/jobs/outbox.ts", "./lib/jobs/job-runs.ts", "./lib/jobs/middleware.ts", "./lib/env.ts", "./lib/errors.ts", "./lib/observability", "./lib/runtime", "./lib/utils.ts"];
const domains = ["./lib/auth", "./lib/orgs", "./lib/projects", "./lib/activity", "./lib/email"];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Imports flow one way: app -> lib/<domain> -> lib/<infra> -> db (docs/decisions/004-one-way-imports.md).
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            { target: ["./lib", "./db", "./components"], from: "./app", message: "lib/, db/ and components/ must not import from app/." },
            { target: infra, from: domains, message: "Infrastructure modules must not depend on domain modules." },
            { target: ["./db/schema"], from: "./lib", message: "db/schema must not import lib/." },
            { target: ["./app"], from: "./db/schema", message: "Pages and actions go through lib/ services, not the schema." },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    ignores: ["lib/testing/**"],
    rules: { "no-console": "error" },
  },
  {
    // process.env is read in lib/env.ts only; tool configs and the migration runner are the documented exceptions.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["lib/env.ts", "*.config.ts", "instrumentation.ts", "e2e/**", "scripts/**", "bench/**"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/env.ts." }],
    },
  },
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", ".data/**", ".data-*/**", ".cluster/**", "playwright-report/**", "test-results/**"]),
]);
