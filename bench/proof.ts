// What the proofs under load and failure (bench/cluster.ts, bench/cluster-faults.ts) share: a log that stamps each
// line with the seconds since the start, named checks that each print ok or FAIL and are summed up at the end, and
// waiting for a condition.

export type Check = { name: string; ok: boolean; detail: string };

export function startProof() {
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    log(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
  };
  return { started, log, check, checks };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Polls `what` (a rejection counts as not yet) until it gives a value, or gives up after `timeoutMs`: undefined. */
export async function until<T>(what: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}
