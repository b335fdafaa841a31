// The page proxy.ts answers (503) while the database is marked unavailable (lib/db/availability.ts): one
// self-contained document, no database, no script, no stylesheet to fetch (the CSP allows inline styles). It reloads
// itself with a meta refresh, which works without JavaScript. No `server-only`: proxy.ts imports it.

import { appConfig } from "@/lib/app-config";

const RELOAD_SECONDS = 5;

/** `requestId` is the proxy's (kept only when it matches [\w-]); escaped all the same. */
export function renderUnavailablePage(requestId: string): string {
  const ref = requestId.replace(/[^\w-]/g, "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="${RELOAD_SECONDS}">
<title>Back in a moment · ${appConfig.name.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</title>
</head>
<body style="margin:0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#18181b;background:#fff">
<main id="main" style="display:flex;min-height:100dvh;flex-direction:column;align-items:center;justify-content:center;padding:0 16px;text-align:center">
<h1 style="margin:0;font-size:1.5rem;font-weight:700;letter-spacing:-0.025em">Back in a moment</h1>
<p style="margin:8px 0 0;color:#52525b;max-width:32rem">The service is briefly unavailable. This page tries again by itself in a few seconds.</p>
<p style="margin:16px 0 0;color:#71717a;font-size:0.875rem">If it keeps happening, quote <code style="border-radius:4px;background:#f4f4f5;padding:0 4px">ref ${ref}</code>.</p>
</main>
</body>
</html>
`;
}
