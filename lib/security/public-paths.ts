// Which paths a signed-out visitor may open (proxy.ts sends everyone else to /sign-in). An explicit list of routes,
// never a prefix: a route added later under /api/ or /dev/ is private until someone lists it here on purpose.
// No `server-only`: proxy.ts imports it (and it holds no secret).

const EXACT = new Set([
  "/",
  "/pricing",
  "/sign-in",
  "/sign-up",
  "/verify-email",
  "/forgot-password",
  "/reset-password",
  // Probes and scrapers: /api/metrics checks its own bearer token, /api/inngest verifies Inngest's signature.
  "/api/health",
  "/api/ready",
  "/api/metrics",
  "/api/inngest",
  // Crawlers and browsers ask for these without a session; they answer 404 unless the app adds them.
  "/favicon.ico",
  "/robots.txt",
  "/sitemap.xml",
]);

const PATTERNS = [
  // Auth.js endpoints: /api/auth/<action> and /api/auth/<action>/<provider> (signin, callback, csrf, session, …).
  /^\/api\/auth\/[a-z-]+(?:\/[\w-]+)?$/,
  // Invitation links: one base64url token (lib/auth/tokens.ts), nothing below it.
  /^\/invite\/[\w-]{16,128}$/,
];

export type PublicPathOptions = {
  /** Whether /dev/mailbox exists (lib/email/dev-mailbox.ts); when it does not, it is not public either. */
  devMailbox: boolean;
};

export function isPublicPath(pathname: string, { devMailbox }: PublicPathOptions): boolean {
  if (EXACT.has(pathname)) return true;
  if (pathname === "/dev/mailbox") return devMailbox;
  return PATTERNS.some((pattern) => pattern.test(pathname));
}
