import type { LocalExecutor } from "@/lib/jobs/local-executor";
import { settleDispatches } from "@/lib/jobs/outbox";

/**
 * Waits until everything queued so far has run: outbox dispatches settled and the in-process executor idle (runs
 * can send more events, hence the loop).
 */
export async function drainJobs(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await settleDispatches();
    const executor = (globalThis as typeof globalThis & { __anatomyLocalExecutor?: LocalExecutor }).__anatomyLocalExecutor;
    await executor?.idle();
    const pending = (globalThis as typeof globalThis & { __anatomyDispatches?: Set<unknown> }).__anatomyDispatches;
    if (!pending || pending.size === 0) return;
  }
}
