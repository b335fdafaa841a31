import { localExecutorSlot } from "@/lib/inngest/local-executor/executor";
import { dispatchesInFlight, setEventSender, settleDispatches, type EventSender } from "@/lib/jobs/outbox";

let appSender: EventSender | undefined;

/**
 * The app's own sender (the in-process executor), as a server installs it at start (lib/inngest/start.ts); loaded on
 * first use, since the runtime imports every job function. lib/testing/setup.ts installs it for every test file.
 */
export const appEventSender: EventSender = async (events) => {
  const { createEventSender } = await import("@/lib/inngest/runtime");
  appSender ??= createEventSender();
  await appSender(events);
};

/** Test hook: send with this instead (undefined: the app's sender again). */
export function setEventSenderForTests(sender: EventSender | undefined): void {
  setEventSender(sender ?? appEventSender);
}

/**
 * Waits until everything queued so far has run: outbox dispatches settled and the in-process executor idle (runs
 * can send more events, hence the loop).
 */
export async function drainJobs(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await settleDispatches();
    await localExecutorSlot().localExecutor?.idle();
    if (dispatchesInFlight() === 0) return;
  }
}
