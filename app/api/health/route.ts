// Liveness: the process is up and serving. No dependencies are checked here (that is /api/ready), so a database
// outage never gets healthy instances restarted.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
