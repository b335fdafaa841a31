import type { NextRequest } from "next/server";
import { iconSpriteSvg, iconSpriteVersion } from "@/components/icon-sprite";

// The icon sprite (components/icon-sprite.ts). Pages ask for it with the digest of its content in `v`: that address
// may be kept for a year. Any other `v` gets the sprite uncached — during a rolling deploy a page of the new release
// can ask an instance of the old one, which must not have its old sprite kept under the new address.
export function GET(request: NextRequest) {
  const current = request.nextUrl.searchParams.get("v") === iconSpriteVersion;
  return new Response(iconSpriteSvg, {
    headers: { "content-type": "image/svg+xml", "cache-control": current ? "public, max-age=31536000, immutable" : "no-store" },
  });
}
