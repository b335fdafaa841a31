import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { MetricsOnlySampler, RecordAllSampler, samplerFromEnv } from "@/lib/observability/record-all-sampler";

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
  return new RecordAllSampler(samplerFromEnv(name, arg)).shouldSample(context, traceId, "GET /x", SpanKind.SERVER, {}, []).decision;
};

describe("RecordAllSampler", () => {
  it("exports what the configured sampler samples", () => {
    expect(decide(undefined, undefined)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide("traceidratio", "1")).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it("still records (for metrics and the access log) what sampling would drop", () => {
    expect(decide("always_off", undefined)).toBe(SamplingDecision.RECORD);
    expect(decide("traceidratio", "0")).toBe(SamplingDecision.RECORD);
    // A caller's traceparent with sampled=0 must not hide the request from the metrics.
    expect(decide(undefined, undefined, false)).toBe(SamplingDecision.RECORD);
  });
});

describe("MetricsOnlySampler (no trace export configured)", () => {
  const sampler = new MetricsOnlySampler();
  const decideFor = (spanType?: string) =>
    sampler.shouldSample(ROOT_CONTEXT, traceId, "x", SpanKind.INTERNAL, spanType ? { "next.span_type": spanType } : {}).decision;

  it("records the spans the request metrics and the access log read, and only those", () => {
    expect(decideFor("BaseServer.handleRequest")).toBe(SamplingDecision.RECORD);
    expect(decideFor("Middleware.execute")).toBe(SamplingDecision.RECORD);
    expect(decideFor("AppRender.getBodyResult")).toBe(SamplingDecision.NOT_RECORD);
    expect(decideFor(undefined)).toBe(SamplingDecision.NOT_RECORD); // db and cache spans
  });
});
