import { AsyncLocalStorage } from "node:async_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { releaseAbortStacks, restoreAbortForTests } from "@/lib/runtime/release-abort-stacks";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

type Store = { payload: number[]; controller: AbortController };

/**
 * The leak at small scale: batches of "requests", each with its own AsyncLocalStorage store (a large payload) and an
 * AbortController that is aborted with an Error from inside a setImmediate callback, as React's Flight server does
 * when a render completes. The first request also creates a long-lived handle (as a pooled keep-alive socket made
 * during a request is). Returns how many of the completed requests' payloads survive a full GC.
 */
async function retainedAfterRequests(batches: number, perBatch: number): Promise<number> {
  const als = new AsyncLocalStorage<Store>();
  const payloads: WeakRef<number[]>[] = [];
  let longLived: NodeJS.Timeout | undefined;
  for (let batch = 0; batch < batches; batch++) {
    await Promise.all(
      Array.from(
        { length: perBatch },
        () =>
          new Promise<void>((resolve) => {
            const store: Store = { payload: new Array(50_000).fill(batch), controller: new AbortController() };
            payloads.push(new WeakRef(store.payload));
            als.run(store, () => {
              longLived ??= setInterval(() => {}, 2 ** 30);
              setImmediate(function completeRender() {
                als.getStore()!.controller.abort(new Error("This render completed successfully."));
                resolve();
              });
            });
          }),
      ),
    );
  }
  // The first request's store stays reachable through the long-lived handle; what else does?
  await new Promise((r) => setImmediate(r));
  gc();
  const retained = payloads.slice(1).filter((ref) => ref.deref() !== undefined).length;
  clearInterval(longLived);
  return retained;
}

describe("abort reasons and the requests they pin", () => {
  afterEach(() => restoreAbortForTests());

  it("without the workaround, one long-lived handle keeps other completed requests alive (the leak)", async () => {
    restoreAbortForTests();
    expect(await retainedAfterRequests(3, 8)).toBeGreaterThan(0);
  });

  it("with it, completed requests are collected", async () => {
    releaseAbortStacks();
    expect(await retainedAfterRequests(3, 8)).toBe(0);
  });

  it("keeps abort semantics: the reason, the default AbortError, listeners called once", () => {
    releaseAbortStacks();
    const reason = new Error("stop");
    const controller = new AbortController();
    let calls = 0;
    controller.signal.addEventListener("abort", () => calls++);
    controller.abort(reason);
    controller.abort(new Error("again"));
    expect(controller.signal.reason).toBe(reason);
    expect(calls).toBe(1);
    expect(reason.stack).toContain("stop");
    const bare = new AbortController();
    bare.abort();
    expect((bare.signal.reason as DOMException).name).toBe("AbortError");
  });
});
