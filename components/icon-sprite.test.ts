import { describe, expect, it } from "vitest";
import { iconSpriteHref, iconSpriteSvg } from "@/components/icon-sprite";

describe("the icon sprite", () => {
  it("draws every icon from lucide's shapes, under its name", () => {
    const symbols = [...iconSpriteSvg.matchAll(/<symbol id="([\w-]+)" viewBox="0 0 24 24"><g [^>]+>(.*?)<\/g><\/symbol>/g)];
    expect(symbols.map((m) => m[1])).toContain("settings");
    expect(symbols.length).toBe(14);
    for (const [, , shapes] of symbols) expect(shapes).toMatch(/^(<(path|circle|rect|line|polyline|polygon|ellipse) [^>]+\/>)+$/);
    // lucide's React keys are not SVG.
    expect(iconSpriteSvg).not.toContain(" key=");
  });

  it("is addressed by a version of its content, so a changed sprite gets a new address", () => {
    expect(iconSpriteHref).toMatch(/^\/icons\.svg\?v=[0-9a-f]{10}$/);
  });
});
