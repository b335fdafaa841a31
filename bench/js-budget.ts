import { chromium, type Page, type Response } from "@playwright/test";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants as zlibConstants } from "node:zlib";
import { freshDataDir, saveResults, seed, signIn, startServer } from "./lib";

// JavaScript the browser downloads per page, compressed as sent: the landing page, the sign-in page and the signed-in
// dashboard, in Debian's Chromium against the built app. Fails when a page is over its budget (issue 11).
//
//   npm run build && npm run bench:js           embedded PGlite (or DATABASE_URL when set)
//   options: --port 3195, --files (also list each script per page, largest first)
//
// The budgets apply to what `next start` sends: gzip (Next's compression has no brotli, and Chromium asks for brotli
// only over HTTPS). The "br" column is for comparison: the same scripts brotli-compressed at quality 11, as a CDN or
// proxy that precompresses static assets would send them. It is computed here, not measured.

// Issue 11 asked for 120 kB on the landing and sign-in pages, but an empty App Router page of this Next (16.4) and React
// (19.3) already costs 135 kB gzipped (docs/performance.md, "JavaScript per page"): these sit about 4 kB above what the
// pages ship today, so a regression fails while the framework's own share is not counted against them.
const BUDGETS_KB = { landing: 145, "sign-in": 150, dashboard: 150 } as const;

const { values: args } = parseArgs({
  options: { port: { type: "string", default: "3195" }, files: { type: "boolean", default: false } },
});
const password = "bench-password-123";
const email = `bench-js-${Date.now()}@example.test`;
// As playwright.config.ts: Debian's Chromium when there is one; CHROMIUM_PATH="" (GitHub's runners) means Playwright's own.
const chromiumPath = (process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined)) || undefined;

/** Loads `path` and sums the encoded (compressed) body bytes of every script response. */
async function scriptBytes(page: Page, url: string): Promise<{ bytes: number; files: { url: string; bytes: number }[] }> {
  const sizes: Promise<{ url: string; bytes: number }>[] = [];
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== "script") return;
    sizes.push(
      response.finished().then(async () => ({ url: new URL(response.url()).pathname, bytes: (await response.request().sizes()).responseBodySize })),
    );
  };
  page.on("response", onResponse);
  await page.goto(url, { waitUntil: "networkidle" });
  page.off("response", onResponse);
  const files = await Promise.all(sizes);
  return { bytes: files.reduce((a, b) => a + b.bytes, 0), files };
}

async function main() {
  const dataDir = process.env.DATABASE_URL ? undefined : freshDataDir("js-budget");
  const seeded = await seed({ email, password, tasks: 20, dataDir });
  const server = await startServer({ port: Number(args.port), dataDir: dataDir ?? freshDataDir("js-budget-unused") });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const rows: { page: keyof typeof BUDGETS_KB; kb: number; brKb: number; files: number; budgetKb: number; ok: boolean }[] = [];
  const brotliBytes = new Map<string, number>();
  const brotli = async (url: string) => {
    if (!brotliBytes.has(url)) {
      const body = Buffer.from(await (await fetch(`${server.url}${url}`)).arrayBuffer());
      brotliBytes.set(url, brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length);
    }
    return brotliBytes.get(url)!;
  };
  try {
    const cookie = await signIn(server.url, email, password);
    const [name, value] = cookie.split("=") as [string, string];
    const pages: [keyof typeof BUDGETS_KB, string, boolean][] = [
      ["landing", "/", false],
      ["sign-in", "/sign-in", false],
      ["dashboard", `/${seeded.orgSlug}`, true],
    ];
    for (const [pageName, path, isSignedIn] of pages) {
      // A context of its own per page: an empty cache, as a first visit (a shared one would count shared chunks once).
      const context = await browser.newContext();
      if (isSignedIn) await context.addCookies([{ name, value, url: server.url }]);
      const { bytes, files } = await scriptBytes(await context.newPage(), `${server.url}${path}`);
      await context.close();
      const kb = Math.round(bytes / 100) / 10;
      let br = 0;
      for (const file of files) br += await brotli(file.url);
      rows.push({ page: pageName, kb, brKb: Math.round(br / 100) / 10, files: files.length, budgetKb: BUDGETS_KB[pageName], ok: kb <= BUDGETS_KB[pageName] });
      if (args.files) {
        console.log(`${pageName}:`);
        for (const file of files.sort((a, b) => b.bytes - a.bytes)) console.log(`  ${(file.bytes / 1000).toFixed(1).padStart(6)} kB  ${file.url}`);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log("page        JS kB (gzip, as sent)  br kB  files  budget kB");
  for (const row of rows) {
    console.log(
      `${row.page.padEnd(10)}  ${String(row.kb).padStart(21)}  ${String(row.brKb).padStart(5)}  ${String(row.files).padStart(5)}  ${String(row.budgetKb).padStart(9)}${row.ok ? "" : "  OVER BUDGET"}`,
    );
  }
  console.log(`results: ${saveResults("js-budget", rows)}`);
  if (rows.some((row) => !row.ok)) {
    console.error("FAIL: a page ships more JavaScript than its budget");
    process.exitCode = 1;
  }
}

await main();
