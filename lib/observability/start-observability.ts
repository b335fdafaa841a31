import { assertProductionConfig, getEnv } from "@/lib/env";
import { installClientAddressStamp } from "@/lib/observability/client-address";

/** Server start (instrumentation.ts): configuration check, the client address, metrics, tracing, error tracker. */
export async function startObservability(): Promise<void> {
  const env = getEnv();
  if (env.isBuild) return;
  // Fail fast, naming the missing variable, rather than serving errors later.
  assertProductionConfig(env);
  // Before the first request is handled: the socket's address, which rate limits count when no proxy is in front.
  installClientAddressStamp();

  if (env.ANATOMY_INSTRUMENTATION === "1") {
    // Request metrics and the access log: Node's HTTP server events, whether or not traces are exported.
    const { startHttpMetrics } = await import("@/lib/observability/http-metrics");
    startHttpMetrics();
    // Traces only when there is somewhere to send them: a registered tracer provider makes Next.js build its spans
    // for every request, which cost about 4% of the dashboard's CPU even when every span was dropped.
    if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
      const { registerOTel } = await import("@vercel/otel");
      const { samplerFromEnv } = await import("@/lib/observability/sampler");
      registerOTel({
        serviceName: env.OTEL_SERVICE_NAME,
        traceSampler: samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG),
      });
    }
    const { startSystemSampler } = await import("@/lib/observability/system-overview");
    startSystemSampler();
  }

  const { initErrorTracker } = await import("@/lib/observability/error-tracker");
  await initErrorTracker();
}
