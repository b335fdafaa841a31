import { checkReadiness } from "@/lib/observability/readiness";

// Readiness: 200 when this instance should receive traffic, 503 while a dependency is down or after SIGTERM
// (draining). Each check reports its status and latency.
export const dynamic = "force-dynamic";

export async function GET() {
  const readiness = await checkReadiness();
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
