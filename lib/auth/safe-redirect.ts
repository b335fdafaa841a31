/**
 * A same-origin path to redirect to after sign-in, or `fallback`. Rejects absolute and protocol-relative URLs and the
 * tricks browsers normalize into them (`/\evil.com`, `/<tab>/evil.com`).
 */
export function safeRedirectPath(value: unknown, fallback: string): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  const base = "http://anatomy.invalid";
  try {
    const url = new URL(value, base);
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}
