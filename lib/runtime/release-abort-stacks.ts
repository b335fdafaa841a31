// Works around a memory leak in React's Flight server as it ships in Next.js 16.4 on Node.js (react#37288,
// vercel/next.js#97434; the React fix, react#37289, is not released yet).
//
// Every completed render aborts its `cacheController` with `new Error("This render completed successfully…")`, and
// Next aborts several more controllers per request. Nobody reads those errors' `stack`, so V8 keeps the stack as
// structured frames (CallSiteInfo), and a frame holds its receiver: the `Immediate` the abort ran in. Node leaves an
// executed Immediate linked to its queue neighbours (`_idleNext`/`_idlePrev`), which belong to other requests, and
// every Immediate carries the AsyncLocalStorage store of the request that scheduled it (the whole render: response,
// payload, React's request). So completed requests pin each other in one chain, and anything long-lived that was
// created inside a request pins all of it: the keep-alive sockets of the Upstash client's connection pool do exactly
// that. Seen as a server growing past 2 GB under load with the Upstash cache (bench/memory.ts).
//
// The fix: after an abort, read the reason's `stack` once. V8 then formats the frames into a string and drops the
// CallSiteInfo objects, so the reason retains nothing but text. Remove this when a React release carries react#37289
// and bench/memory.ts stays flat without it.

const installed = Symbol.for("anatomy.releaseAbortStacks");

type PatchedPrototype = typeof AbortController.prototype & { [installed]?: true };

/** Installs the workaround once per process (every module graph shares the one global AbortController). */
export function releaseAbortStacks(): void {
  const prototype = AbortController.prototype as PatchedPrototype;
  if (prototype[installed]) return;
  const abort = prototype.abort;
  Object.defineProperty(prototype, "abort", {
    configurable: true,
    writable: true,
    value: function abortReleasingStack(this: AbortController, reason?: unknown) {
      const alreadyAborted = this.signal.aborted;
      abort.call(this, reason);
      // The signal keeps its reason for as long as the signal lives; a bare abort() creates a DOMException here too.
      if (!alreadyAborted) materializeStack(this.signal.reason);
    },
  });
  prototype[installed] = true;
  restore = () => {
    Object.defineProperty(prototype, "abort", { configurable: true, writable: true, value: abort });
    delete prototype[installed];
  };
}

let restore: (() => void) | undefined;

/** Test hook: puts Node's own abort back (the test shows the leak with it, then its absence with the workaround). */
export function restoreAbortForTests(): void {
  restore?.();
  restore = undefined;
}

function materializeStack(reason: unknown): void {
  if (typeof reason !== "object" || reason === null || !("stack" in reason)) return;
  try {
    void (reason as { stack?: unknown }).stack;
  } catch {
    // A throwing stack getter (a custom prepareStackTrace) must not break the abort.
  }
}
