import { getCurrentUser } from "@/lib/auth/current-user";
import { isAppError } from "@/lib/errors";
import { findOrgForMember } from "@/lib/orgs/get-org-context";
import { getRequestLogger } from "@/lib/observability/request-context";
import { uuidSchema } from "@/lib/orgs/schemas";
import { getReportFile } from "@/lib/data-transfers/reports";

// The finished report's CSV, for members of its org only; never cached by a shared cache.
export async function GET(request: Request, { params }: { params: Promise<{ org: string; reportId: string }> }) {
  const { org: slug, reportId } = await params;
  const user = await getCurrentUser();
  if (!user) return Response.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent(new URL(request.url).pathname)}`, request.url), 303);
  const context = uuidSchema.safeParse(reportId).success ? await findOrgForMember(user.id, slug) : null;
  if (!context) return Response.json({ error: "Report not found." }, { status: 404 });
  try {
    const file = await getReportFile({ actor: { userId: user.id }, orgId: context.org.id, reportId });
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-length": String(file.size),
        "content-disposition": `attachment; filename="${file.name.replace(/[^\w.-]/g, "_")}"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    if (isAppError(error)) return Response.json({ error: error.message }, { status: error.status });
    const log = await getRequestLogger("reports", { userId: user.id, orgId: context.org.id });
    log.error({ err: error, reportId }, "report download failed");
    return Response.json({ error: `Something went wrong (ref ${String(log.bindings().requestId)}).` }, { status: 500 });
  }
}
