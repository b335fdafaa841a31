import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from "@opentelemetry/sdk-trace-base";

// Which traces are exported. Sampling only thins out traces: request metrics and the access log come from Node's HTTP
// server events (lib/observability/http-metrics.ts), so they count every request whatever is sampled.

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
