import { inngest } from "@/lib/jobs/client";
import { taskImportRequested } from "@/lib/data-transfers/events";
import { failTaskImport, finishTaskImport, importTaskChunk, prepareTaskImport } from "@/lib/data-transfers/task-imports";

// A CSV import, one step per chunk of rows: a failure retries only its chunk (whose upserts are idempotent), and the
// import's progress is visible as chunks complete. One import per org at a time; one run per import.
export const importTasks = inngest.createFunction(
  {
    id: "import-tasks",
    triggers: [taskImportRequested.trigger],
    retries: 4,
    idempotency: "event.data.importId",
    concurrency: { key: "event.data.orgId", limit: 1 },
    onFailure: async ({ event, error, step }) => {
      // A NonRetriableError's message is written for the user (a bad file); anything else is not shown to them.
      const reason = error.name === "NonRetriableError" ? error.message : "The import stopped on an unexpected error. Try again; if it persists, contact support.";
      await step.run("mark the import failed", () => failTaskImport(event.data.event.data.importId, reason));
    },
  },
  async ({ event, step }) => {
    const { importId } = event.data;
    const { chunks } = await step.run("read the file", () => prepareTaskImport(importId));
    for (let chunk = 0; chunk < chunks; chunk++) {
      await step.run(`import chunk ${chunk + 1} of ${chunks}`, () => importTaskChunk(importId, chunk));
    }
    return step.run("finish", () => finishTaskImport(importId));
  },
);
