import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StaticPageHashes, inlineScriptHashes } from "./static-page-hashes";

const sha = (text: string) => `sha256-${createHash("sha256").update(text).digest("base64")}`;

describe("inlineScriptHashes", () => {
  it("hashes the exact text of inline scripts and skips external ones", () => {
    const html = `<script src="/_next/static/a.js" async=""></script><script id="_R_">self.x=1</script><script>(self.__next_f=self.__next_f||[]).push([0])</script>`;
    expect(inlineScriptHashes(html)).toEqual([sha("self.x=1"), sha("(self.__next_f=self.__next_f||[]).push([0])")]);
  });
});

describe("StaticPageHashes", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function build(pages: Record<string, string>) {
    const dist = mkdtempSync(path.join(tmpdir(), "csp-"));
    dirs.push(dist);
    mkdirSync(path.join(dist, "server", "app"), { recursive: true });
    writeFileSync(path.join(dist, "prerender-manifest.json"), JSON.stringify({ routes: Object.fromEntries(Object.keys(pages).map((r) => [r, {}])) }));
    for (const [route, html] of Object.entries(pages)) {
      writeFileSync(path.join(dist, "server", "app", `${route === "/" ? "index" : route.slice(1)}.html`), html);
    }
    return dist;
  }

  it("gives prerendered pages their own and the 404's hashes, and dynamic paths only the 404's", () => {
    const dist = build({ "/": "<script>home()</script>", "/_not-found": "<script>missing()</script>" });
    const hashes = new StaticPageHashes(dist);
    expect(hashes.forPath("/")).toEqual([sha("home()"), sha("missing()")]);
    expect(hashes.forPath("/app")).toBeUndefined();
    expect(hashes.forPath("/_not-found")).toBeUndefined();
    expect(hashes.fallback()).toEqual([sha("missing()")]);
  });

  it("hashes a page again when it is regenerated (ISR rewrites the file)", () => {
    const dist = build({ "/pricing": "<script>v1()</script>" });
    const hashes = new StaticPageHashes(dist);
    expect(hashes.forPath("/pricing")).toEqual([sha("v1()")]);
    const file = path.join(dist, "server", "app", "pricing.html");
    writeFileSync(file, "<script>v2()</script>");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(hashes.forPath("/pricing")).toEqual([sha("v2()")]);
  });

  it("picks up a regenerated 404 page within seconds, so every page's policy follows it", () => {
    const dist = build({ "/_not-found": "<script>v1()</script>" });
    const hashes = new StaticPageHashes(dist);
    const t0 = Date.now();
    expect(hashes.fallback(t0)).toEqual([sha("v1()")]);
    const file = path.join(dist, "server", "app", "_not-found.html");
    writeFileSync(file, "<script>v2()</script>");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(hashes.fallback(t0 + 1000)).toEqual([sha("v1()")]); // not re-read on every request
    expect(hashes.fallback(t0 + 6000)).toEqual([sha("v2()")]);
  });

  it("knows no static page without a build (next dev renders every page with the nonce)", () => {
    const hashes = new StaticPageHashes(path.join(tmpdir(), "no-such-build"));
    expect(hashes.forPath("/")).toBeUndefined();
    expect(hashes.fallback()).toEqual([]);
  });
});
