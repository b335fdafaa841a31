import type { NextConfig } from "next";
import { getEnv } from "./lib/env";
import { serverActionBodyLimit } from "./lib/security/action-request";
import { ASSET_CONTENT_SECURITY_POLICY, staticSecurityHeaders } from "./lib/security/headers";

// proxy.ts refuses a larger action body itself (413, lib/security/action-body.ts), with the same limit.
export { serverActionBodyLimit };

const nextConfig: NextConfig = {
  // The deployable artifact: .next/standalone holds server.js and the node_modules it needs (what the container image
  // and the local cluster run: scripts/cluster, docs/scaling.md). `next start` serves the same build in development
  // and tests. Migrations ship with it: the embedded database applies them at start.
  output: "standalone",
  outputFileTracingIncludes: { "/*": ["./drizzle/**/*"] },
  // PGlite ships WASM + data files that break when bundled; argon2 is a native addon.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pino", "pino-pretty", "@sentry/node-core"],
  poweredByHeader: false,
  // `next dev` serves its scripts only to the origins it knows: opened at 127.0.0.1 instead of localhost, the page
  // never hydrated and forms fell back to the browser (e2e/dev-server.spec.ts).
  allowedDevOrigins: ["127.0.0.1"],
  reactStrictMode: true,
  typedRoutes: false,
  // CSV uploads go through a server action. The app's own cap (UPLOAD_MAX_BYTES, validated in lib/env.ts) gives the
  // user the message, so Next's limit must sit above it: the cap plus room for the form's other fields.
  // proxy.ts sees those requests too, and Next hands the action only as much body as it buffered for the proxy
  // (10 MB by default): never less than the action may receive.
  experimental: {
    serverActions: { bodySizeLimit: serverActionBodyLimit(process.env.UPLOAD_MAX_BYTES) },
    proxyClientMaxBodySize: Math.max(serverActionBodyLimit(process.env.UPLOAD_MAX_BYTES), 10 * 1024 * 1024),
  },
  // Static pages say how long a CDN may serve them: `revalidate` (app/(marketing)/layout.tsx) becomes s-maxage, and
  // the rest of expireTime becomes stale-while-revalidate (a day of serving the old copy while one request refreshes).
  expireTime: 3600 + 86400,
  async headers() {
    const assetPolicy = [{ key: "Content-Security-Policy", value: ASSET_CONTENT_SECURITY_POLICY }];
    return [
      // Every response (pages, route handlers, errors, redirects, static assets): lib/security/headers.ts.
      { source: "/:path*", headers: staticSecurityHeaders({ isProduction: getEnv().isProduction }) },
      // Pages get their CSP from proxy.ts (it carries a per-request nonce); what the proxy does not see gets this one.
      { source: "/_next/static/:path*", headers: assetPolicy },
      { source: "/_next/image", headers: assetPolicy },
      { source: "/:asset(.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2?))", headers: assetPolicy },
      // Marketing pages: cacheable by browsers and CDNs (Next itself omits `public`).
      ...["/", "/pricing"].map((source) => ({
        source,
        headers: [{ key: "Cache-Control", value: "public, s-maxage=3600, stale-while-revalidate=86400" }],
      })),
      // The favicon is not content-hashed, so a day rather than immutable.
      { source: "/icon.svg", headers: [{ key: "Cache-Control", value: "public, max-age=86400" }] },
    ];
  },
};

export default nextConfig;
