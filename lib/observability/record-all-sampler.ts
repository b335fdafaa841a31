import type { Attributes, Context, Link, SpanKind } from "@opentelemetry/api";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from "@opentelemetry/sdk-trace-base";

// Request metrics and the access log are fed by span processors, which only see spans that are recorded. Sampling
// (OTEL_TRACES_SAMPLER, or a caller's traceparent with sampled=0) must thin out what is exported, not what is
// measured: this sampler keeps the configured decision for export and turns "drop" into "record, don't export".
export class RecordAllSampler implements Sampler {
  constructor(private readonly exportSampler: Sampler) {}

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const result = this.exportSampler.shouldSample(context, traceId, name, kind, attributes, links);
    return result.decision === SamplingDecision.NOT_RECORD ? { ...result, decision: SamplingDecision.RECORD } : result;
  }

  toString(): string {
    return `RecordAll{${this.exportSampler.toString()}}`;
  }
}

// Next.js's span types the request metrics and access log read (lib/observability/request-spans.ts).
const MEASURED_SPAN_TYPES = new Set(["BaseServer.handleRequest", "Middleware.execute"]);

/**
 * When traces are not exported at all (no OTEL_EXPORTER_OTLP_ENDPOINT), recording every span Next.js, the database and
 * the cache start would only cost time: record the two span types the request metrics need, drop the rest. Trace ids
 * still propagate (a dropped span keeps its context), so log lines keep theirs.
 */
export class MetricsOnlySampler implements Sampler {
  shouldSample(_context: Context, _traceId: string, _name: string, _kind: SpanKind, attributes: Attributes): SamplingResult {
    const type = attributes["next.span_type"];
    return { decision: typeof type === "string" && MEASURED_SPAN_TYPES.has(type) ? SamplingDecision.RECORD : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return "MetricsOnly";
  }
}

/** The sampler OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG name (OpenTelemetry's standard values). */
export function samplerFromEnv(name: string | undefined, arg: string | undefined): Sampler {
  const ratio = arg === undefined || Number.isNaN(Number(arg)) ? 1 : Math.min(Math.max(Number(arg), 0), 1);
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
