import { trace } from "@opentelemetry/api";
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { getAuthSecret } from "@/lib/env";

// Runs before every matched request: stamps a request id (kept from the caller when it looks like one) on the
// request and the response, and turns signed-out visitors away from the product pages. It only decodes the session
// JWT — no database. Pages and actions still check the session and the org membership themselves.

const REQUEST_ID = "x-request-id";

// Paths anyone may open. Everything else is the product (/app, /<org>/...) and needs a session.
const PUBLIC_PATHS = new Set(["/", "/pricing", "/sign-in", "/sign-up", "/verify-email", "/forgot-password", "/reset-password"]);
const PUBLIC_PREFIXES = ["/invite/", "/dev/", "/api/"];

function isPublic(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

async function hasSession(request: NextRequest): Promise<boolean> {
  // Auth.js names the cookie __Secure-… on https (behind a proxy, as the forwarded protocol says).
  const protocol = request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "");
  const token = await getToken({ req: request, secret: getAuthSecret(), secureCookie: protocol === "https" });
  return Boolean(token?.sub);
}

export async function proxy(request: NextRequest) {
  const incoming = request.headers.get(REQUEST_ID);
  const requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  // On the proxy's span when traces are exported: finds the trace of a request id from the logs or a bug report.
  trace.getActiveSpan()?.setAttribute("http.request_id", requestId);

  if (!isPublic(request.nextUrl.pathname) && !(await hasSession(request))) {
    const url = new URL("/sign-in", request.nextUrl.origin);
    url.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    const response = NextResponse.redirect(url);
    response.headers.set(REQUEST_ID, requestId);
    return response;
  }

  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID, requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID, requestId);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt|sitemap.xml|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2?)$).*)"],
};
