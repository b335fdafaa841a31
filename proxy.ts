import { trace } from "@opentelemetry/api";
import { NextResponse, type NextRequest } from "next/server";
import { readSessionToken } from "@/lib/auth/session-token";
import { databaseUnavailableMark } from "@/lib/db/availability";
import { isDevMailboxEnabled } from "@/lib/email/dev-mailbox";
import { refuseActionRequest, refuseFormPost } from "@/lib/security/action-body";
import { serverActionBodyLimit } from "@/lib/security/action-request";
import { getEnv, getOAuthProviders } from "@/lib/env";
import { renderUnavailablePage } from "@/lib/runtime/render-unavailable-page";
import { contentSecurityPolicy, createNonce } from "@/lib/security/headers";
import { isPublicPath } from "@/lib/security/public-paths";
import { StaticPageHashes } from "@/lib/security/static-page-hashes";

// Runs before every matched request: stamps a request id (kept from the caller when it looks like one) on the
// request and the response, sets the Content-Security-Policy, and turns signed-out visitors away from the product
// pages. It only decodes the session JWT — no database. Pages and actions still check the session and the org
// membership themselves. While the database is marked unavailable it answers page loads 503 itself. The fixed
// security headers come from next.config.ts (they also cover static assets, which this proxy does not see).

const REQUEST_ID = "x-request-id";
const CSP = "content-security-policy";
const ACTION = "next-action";

const staticPages = new StaticPageHashes();

async function hasSession(request: NextRequest): Promise<boolean> {
  return Boolean((await readSessionToken(request.headers))?.sub);
}

// Where a sign-in form may go: this origin, and the configured OAuth providers (a form posted without JavaScript
// follows the redirect to their page, which form-action also governs).
function formActionOrigins(): string[] {
  const providers = getOAuthProviders();
  return [providers.github && "https://github.com", providers.google && "https://accounts.google.com"].filter((o): o is string => Boolean(o));
}

/**
 * A prerendered page gets the hashes of its inline scripts (it was rendered without a request, so without a nonce);
 * every other response gets a fresh nonce, which Next reads from the request's CSP header and puts on its scripts.
 */
function policyFor(pathname: string): { policy: string; nonce?: string } {
  const env = getEnv();
  const isDevelopment = env.NODE_ENV === "development";
  const base = { isDevelopment, isHttps: env.APP_URL.startsWith("https:"), formActionOrigins: formActionOrigins() };
  // next dev renders every page per request (a build left in .next/ describes other HTML): the nonce covers all.
  const pageHashes = isDevelopment ? undefined : staticPages.forPath(pathname);
  if (pageHashes) return { policy: contentSecurityPolicy({ ...base, scriptHashes: pageHashes }) };
  const nonce = createNonce();
  return { policy: contentSecurityPolicy({ ...base, nonce, scriptHashes: isDevelopment ? [] : staticPages.fallback() }), nonce };
}

export async function proxy(request: NextRequest) {
  const incoming = request.headers.get(REQUEST_ID);
  const requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  // On the proxy's span when traces are exported: finds the trace of a request id from the logs or a bug report.
  trace.getActiveSpan()?.setAttribute("http.request_id", requestId);
  const { pathname } = request.nextUrl;
  const { policy, nonce } = policyFor(pathname);

  // A server action request React would never send is refused here, with a message, rather than answered 500 by
  // Next's decoder before any app code runs. Only requests carrying `next-action`, and multipart POSTs (a form sent
  // before hydration, whose body Next parses to find the action), are read.
  const formPost = request.method === "POST" && /^multipart\/form-data/i.test(request.headers.get("content-type") ?? "");
  if (request.headers.has(ACTION) || formPost) {
    const limit = serverActionBodyLimit(String(getEnv().UPLOAD_MAX_BYTES));
    const refusal = request.headers.has(ACTION) ? await refuseActionRequest(request, limit) : await refuseFormPost(request, limit);
    if (refusal) {
      const response = new NextResponse(`${refusal.message}\n`, { status: refusal.status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
      if (refusal.status === 405) response.headers.set("allow", "POST");
      response.headers.set(REQUEST_ID, requestId);
      response.headers.set(CSP, policy);
      return response;
    }
  }

  // The database is unreachable or the pool saturated (lib/db/availability.ts): a page load gets a short 503 page that
  // needs no database, rather than a render that waits for it and ends on the error page. Pages rendered per request only (a
  // prerendered one, which gets hashes instead of a nonce, needs no database); route handlers answer for themselves
  // (/api/ready must report, /api/health must stay up); server actions (POST) get their own message.
  const unavailable = (request.method === "GET" || request.method === "HEAD") && nonce !== undefined && !pathname.startsWith("/api/") ? databaseUnavailableMark() : undefined;
  if (unavailable) {
    const response = new NextResponse(request.method === "HEAD" ? null : renderUnavailablePage(requestId), {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": String(Math.max(1, Math.ceil(unavailable.remainingMs / 1000))) },
    });
    response.headers.set(REQUEST_ID, requestId);
    response.headers.set(CSP, policy);
    return response;
  }

  if (!isPublicPath(pathname, { devMailbox: isDevMailboxEnabled() }) && !(await hasSession(request))) {
    const url = new URL("/sign-in", request.nextUrl.origin);
    url.searchParams.set("callbackUrl", `${pathname}${request.nextUrl.search}`);
    const response = NextResponse.redirect(url);
    response.headers.set(REQUEST_ID, requestId);
    response.headers.set(CSP, policy);
    return response;
  }

  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID, requestId);
  // Only a per-request policy goes on the request: Next takes the nonce from it (and x-nonce is for our own code,
  // e.g. a <Script nonce> a fork adds). Whatever the client sent under these names is dropped, never trusted.
  headers.delete(`${CSP}-report-only`);
  if (nonce) {
    headers.set(CSP, policy);
    headers.set("x-nonce", nonce);
  } else {
    headers.delete(CSP);
    headers.delete("x-nonce");
  }
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID, requestId);
  response.headers.set(CSP, policy);
  return response;
}

export const config = {
  // Static assets skip the proxy (next.config.ts gives them their headers). Prefetches are not skipped: an RSC
  // navigation to a product page must still be turned away when signed out.
  matcher: ["/((?!_next/static|_next/image|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2?)$).*)"],
};
