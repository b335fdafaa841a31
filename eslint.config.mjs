import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The layers of lib/, bottom up (docs/decisions/004-one-way-imports.md, 015-job-layer.md). Every entry of lib/ is in
// exactly one list (lib/layers.test.ts, which also fails on any import cycle), so a new folder cannot slip past the rules below.
export const layers = {
  // Infrastructure: knows no product concept.
  infra: ["./lib/app-config.ts", "./lib/cache", "./lib/db", "./lib/env.ts", "./lib/errors.ts", "./lib/format.ts", "./lib/jobs", "./lib/observability", "./lib/plain-text.ts", "./lib/runtime", "./lib/seal.ts", "./lib/security", "./lib/storage", "./lib/utils.ts"],
  // Domains: each owns its tables' services, permissions, activity types and events.
  domains: ["./lib/activity", "./lib/auth", "./lib/comments", "./lib/data-transfers", "./lib/email", "./lib/orgs", "./lib/projects"],
  // What composes the domains: the job layer (functions, their registry, the runners) and the server-action plumbing.
  composition: ["./lib/inngest", "./lib/server-action.ts"],
  // Test support: factories, the test setup, fakes. Only tests import it.
  testing: ["./lib/testing"],
};

const sourceZones = [
  { target: ["./lib", "./db", "./components"], from: "./app", message: "lib/, db/ and components/ must not import from app/." },
  { target: layers.infra, from: [...layers.domains, ...layers.composition], message: "Infrastructure must not depend on domains, job functions or action plumbing." },
  { target: layers.domains, from: layers.composition, message: "Domains must not depend on job functions or action plumbing: they enqueue events through lib/jobs/outbox.ts." },
  { target: ["./components"], from: ["./lib/inngest", "./db"], message: "Components render; they do not reach jobs or the schema." },
  { target: ["./db/schema"], from: "./lib", message: "db/schema must not import lib/." },
  { target: ["./app"], from: "./db/schema", message: "Pages and actions go through lib/ services, not the schema." },
  { target: ["./app", "./components", "./db", ...layers.infra, ...layers.domains, ...layers.composition], from: layers.testing, message: "Only tests import lib/testing." },
];
const testFiles = ["**/*.test.ts", "**/*.test.tsx"];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Imports flow one way: app -> lib/inngest, lib/server-action.ts -> lib/<domain> -> lib/<infra> -> db.
      "import/no-restricted-paths": ["error", { zones: sourceZones }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // A test may compose any layers (an outbox test runs a job function); it still never imports app/ from lib/.
    files: testFiles,
    rules: { "import/no-restricted-paths": ["error", { zones: [sourceZones[0]] }] },
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
