import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { closeDb, openPglite, openPostgres, setDbHandle } from "@/lib/db/client";
import { closeReplicas } from "@/lib/db/replicas";
import { getEnv } from "@/lib/env";
import { drainJobs, setEventSenderForTests } from "@/lib/testing/jobs";

// Events leave the outbox as in a server (lib/inngest/start.ts installs the same sender at start-up).
setEventSenderForTests(undefined);

beforeAll(async () => {
  const url = getEnv().DATABASE_URL;
  if (url) {
    setDbHandle(openPostgres(url, 4));
    return;
  }
  const template = inject("pgliteTemplate");
  if (!template) throw new Error("The PGlite template was not prepared by lib/testing/global-setup.ts.");
  setDbHandle(openPglite(undefined, { loadDataDir: new Blob([readFileSync(template)]) }));
});

afterAll(async () => {
  await drainJobs();
  await closeReplicas();
  await closeDb();
});

// Jobs queued by a test (emails, imports) run in the in-process executor: let them finish before the next test, and
// before the database closes.
afterEach(async () => {
  await drainJobs();
});
