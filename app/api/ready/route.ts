import { checkReadiness } from "@/lib/observability/readiness";

// Readiness: 200 when this instance should receive traffic, 503 while a dependency is down or after SIGTERM
// (draining). Each check reports its status and latency.
export const dynamic = "force-dynamic";

export async function GET() {
  const readiness = await checkReadiness();
  // Public endpoint: statuses and latencies only. Error details go to the logs and the admin System page.
  const checks = Object.fromEntries(
    Object.entries(readiness.checks).map(([name, { status, latencyMs }]) => [name, { status, latencyMs }]),
  );
  return Response.json(
    { ready: readiness.ready, shuttingDown: readiness.shuttingDown, checks },
    { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
