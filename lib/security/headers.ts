// The security headers of every response, in one place. next.config.ts sends the fixed ones on everything (pages,
// route handlers, errors, static assets); proxy.ts adds the Content-Security-Policy per request, because it carries
// a fresh nonce. Pure functions without `server-only` or path aliases: next.config.ts imports this file too.
// docs/security.md ("Headers and CSP") explains each header and what a fork changes.

export type PolicyOptions = {
  /** Per-request nonce for the scripts Next renders (dynamic pages). */
  nonce?: string;
  /** sha256 hashes ('sha256-…') of inline scripts in prerendered HTML (static pages, the static 404). */
  scriptHashes?: readonly string[];
  /** next dev: React's dev tooling evaluates code (server error stacks), so 'unsafe-eval' only there. */
  isDevelopment: boolean;
  /** APP_URL is https: ask browsers to upgrade any stray http subresource. */
  isHttps: boolean;
  /** Origins a form may submit or redirect to besides this one (the OAuth providers' sign-in pages). */
  formActionOrigins?: readonly string[];
};

/**
 * The page policy. Scripts: this origin's files plus the inline scripts that carry the nonce or match a hash — never
 * 'unsafe-inline'. Styles allow inline: React style attributes and Radix's scroll lock write them, nonces cannot cover
 * attributes, and CSS cannot run script. No 'strict-dynamic': the static pages' <script src> tags carry no nonce.
 */
export function contentSecurityPolicy(options: PolicyOptions): string {
  const script = [
    "'self'",
    ...(options.nonce ? [`'nonce-${options.nonce}'`] : []),
    ...(options.scriptHashes ?? []).map((hash) => `'${hash}'`),
    ...(options.isDevelopment ? ["'unsafe-eval'"] : []),
  ];
  const directives = [
    "default-src 'self'",
    `script-src ${script.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${["'self'", ...(options.formActionOrigins ?? [])].join(" ")}`,
    "frame-ancestors 'none'",
    ...(options.isHttps ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** For responses that are never a page (static assets, files): nothing may load, run, or frame them. */
export const ASSET_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A fresh nonce: 128 random bits, base64 (what CSP's nonce-source grammar accepts). */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Headers that never change per request: sent by next.config.ts on every path. */
export function staticSecurityHeaders({ isProduction }: { isProduction: boolean }): { key: string; value: string }[] {
  return [
    // Old browsers that ignore CSP's frame-ancestors: no framing (clickjacking of settings, roles, deletion).
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    {
      key: "Permissions-Policy",
      value: "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()",
    },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    // Two years, subdomains included; not `preload` (that is a commitment each fork makes for its own domain).
    ...(isProduction ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
  ];
}
