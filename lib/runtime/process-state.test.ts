import { describe, expect, it, vi } from "vitest";
import { processState } from "@/lib/runtime/process-state";

describe("processState", () => {
  it("gives every copy of a module the same state: init runs once per name", async () => {
    const init = vi.fn(() => ({ count: 0 }));
    processState("test.counter", init).count++;
    // A second copy of the module, as Next's separate module graphs load it.
    vi.resetModules();
    const copy = await import("@/lib/runtime/process-state");
    expect(copy.processState).not.toBe(processState);
    copy.processState("test.counter", init).count++;
    expect(processState("test.counter", init).count).toBe(2);
    expect(init).toHaveBeenCalledTimes(1);
    expect(processState("test.other", () => ({ count: 0 })).count).toBe(0);
  });
});
