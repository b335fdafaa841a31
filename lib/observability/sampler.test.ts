import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { samplerFromEnv } from "@/lib/observability/sampler";

const traceId = "0af7651916cd43dd8448eb211c80319c";
const decide = (name: string | undefined, arg: string | undefined, parentSampled?: boolean) => {
  const context =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId,
          spanId: "b7ad6b7169203331",
          traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  return samplerFromEnv(name, arg).shouldSample(context, traceId, "GET /x", SpanKind.SERVER, {}, []).decision;
};

describe("samplerFromEnv (OTEL_TRACES_SAMPLER)", () => {
  it("exports every trace by default, following a caller's decision", () => {
    expect(decide(undefined, undefined)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(undefined, undefined, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(undefined, undefined, false)).toBe(SamplingDecision.NOT_RECORD);
  });

  it("understands the standard sampler names and clamps the ratio", () => {
    expect(decide("always_off", undefined)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide("traceidratio", "1")).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide("traceidratio", "0")).toBe(SamplingDecision.NOT_RECORD);
    expect(decide("traceidratio", "7")).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide("parentbased_always_off", undefined)).toBe(SamplingDecision.NOT_RECORD);
  });
});
