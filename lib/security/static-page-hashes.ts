import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

// Prerendered pages (/, /pricing, the static 404 …) were rendered at build time, without a request and so without a
// nonce: their few inline scripts (Next's bootstrap and the RSC payload) carry none. Rather than render them per
// request (which would cost the marketing pages their CDN caching), their CSP lists the sha256 of each inline script,
// read from the very HTML that is served. A file whose mtime changed (ISR rewrote it) is hashed again.
// No `server-only`: proxy.ts imports it.

// Pages Next serves from its prerendered HTML whatever the path asked for: a 404 of an unknown path, a crash in
// the root layout. Their hashes join every page's policy.
const FALLBACK_ROUTES = ["/_not-found", "/_global-error"];

type CachedHashes = { mtimeMs: number; hashes: string[] };
const FALLBACK_RECHECK_MS = 5_000;

export class StaticPageHashes {
  private routes: Set<string> | undefined;
  private fallbackHashes: string[] | undefined;
  private fallbackCheckedAt = 0;
  private readonly cache = new Map<string, CachedHashes>();

  constructor(private readonly distDir: string = path.join(process.cwd(), ".next")) {}

  /** The hashes for a prerendered page, or undefined when the path is rendered per request. */
  forPath(pathname: string): string[] | undefined {
    if (!this.prerenderedRoutes().has(pathname) || FALLBACK_ROUTES.includes(pathname)) return undefined;
    const hashes = this.hashesOf(pathname);
    return hashes && [...new Set([...hashes, ...this.fallback()])];
  }

  /**
   * Hashes of the pages that may answer any path (the static 404, the global error page). This runs for every request
   * proxy.ts sees, so their files are looked at again at most every few seconds: only a deploy should replace them,
   * but a revalidatePath("/", "layout") regenerates them too (once it did, and every page's policy went stale).
   */
  fallback(now = Date.now()): string[] {
    if (!this.fallbackHashes || now - this.fallbackCheckedAt > FALLBACK_RECHECK_MS) {
      this.fallbackCheckedAt = now;
      this.fallbackHashes = [...new Set(FALLBACK_ROUTES.flatMap((route) => (this.prerenderedRoutes().has(route) ? (this.hashesOf(route) ?? []) : [])))];
    }
    return this.fallbackHashes;
  }

  private prerenderedRoutes(): Set<string> {
    if (!this.routes) {
      try {
        const manifest = JSON.parse(readFileSync(path.join(this.distDir, "prerender-manifest.json"), "utf8")) as { routes?: Record<string, unknown> };
        this.routes = new Set(Object.keys(manifest.routes ?? {}));
      } catch {
        // next dev (or no build): nothing is prerendered, every page is rendered per request with the nonce.
        this.routes = new Set();
      }
    }
    return this.routes;
  }

  private hashesOf(route: string): string[] | undefined {
    const file = path.join(this.distDir, "server", "app", `${route === "/" ? "index" : route.slice(1)}.html`);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined; // a prerendered route without HTML (an icon, a route handler's body)
    }
    const cached = this.cache.get(route);
    if (cached?.mtimeMs === mtimeMs) return cached.hashes;
    const hashes = inlineScriptHashes(readFileSync(file, "utf8"));
    this.cache.set(route, { mtimeMs, hashes });
    return hashes;
  }
}

/** 'sha256-…' of the text of every inline <script> (one without src) in an HTML document, as CSP computes them. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attributes = "", body = ""] = match;
    if (/\bsrc\s*=/i.test(attributes) || body === "") continue;
    hashes.add(`sha256-${createHash("sha256").update(body, "utf8").digest("base64")}`);
  }
  return [...hashes];
}
