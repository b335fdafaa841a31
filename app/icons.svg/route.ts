import { iconSpriteSvg } from "@/components/icon-sprite";

// The icon sprite (components/icon-sprite.ts), prerendered at build time. Pages link it with a version of its content
// in the query, so it may be cached for a year.
export const dynamic = "force-static";

export function GET() {
  return new Response(iconSpriteSvg, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=31536000, immutable" },
  });
}
