import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    // `server-only` throws outside React Server Components; in tests the modules run in plain Node.
    alias: { "server-only": new URL("./lib/testing/server-only-stub.ts", import.meta.url).pathname },
  },
  test: {
    environment: "node",
    // Worker threads rather than child processes: the whole suite took 4m21s instead of 5m49s on 2 cores (the same 843
    // tests; each test file still gets fresh modules and a PGlite of its own).
    pool: "threads",
    include: ["{lib,app,db,components,scripts}/**/*.test.{ts,tsx}", "proxy.test.ts"],
    globalSetup: ["./lib/testing/global-setup.ts"],
    setupFiles: ["./lib/testing/setup.ts"],
    env: { NODE_ENV: "test" },
    // next-auth imports "next/server" without an extension, which plain Node ESM cannot resolve; @actions/workflow-parser
    // imports JSON without the import attribute Node 20 asks for. Vite resolves both.
    server: { deps: { inline: ["next-auth", "@actions/workflow-parser"] } },
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
