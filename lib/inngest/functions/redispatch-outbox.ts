import { inngest } from "@/lib/jobs/client";
import { dispatchOutboxEvents, listStuckOutboxEvents } from "@/lib/jobs/outbox";

// The outbox's safety net: events whose after-commit dispatch failed (Inngest unreachable) or never ran (the process
// died between commit and dispatch) are sent again once they are a minute old. Their ids are the event ids, so an event
// that did reach Inngest before the crash is dropped there as a duplicate.
export const redispatchOutbox = inngest.createFunction(
  { id: "redispatch-outbox", triggers: [{ cron: "* * * * *" }], retries: 2, concurrency: { limit: 1 } },
  async ({ step }) => {
    const ids = await step.run("find stuck events", () => listStuckOutboxEvents({ olderThanMs: 60_000, limit: 500 }));
    if (ids.length === 0) return { dispatched: 0 };
    const dispatched = await step.run("dispatch", () => dispatchOutboxEvents(ids));
    return { dispatched, stuck: ids.length };
  },
);
