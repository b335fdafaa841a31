import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// components.json is what `npx shadcn add <component>` reads in a fork: where components, the `cn` helper and the
// stylesheet are. A path it names that moved would put an added component where nothing imports it from.
const root = new URL("../../", import.meta.url);
const config = JSON.parse(readFileSync(new URL("components.json", root), "utf8")) as {
  tailwind: { css: string; config: string };
  aliases: Record<string, string>;
};
const fromAlias = (alias: string) => new URL(alias.replace(/^@\//, ""), root);

describe("components.json (shadcn)", () => {
  it("names the stylesheet Tailwind v4 reads, and no Tailwind config file (v4 has none)", () => {
    expect(existsSync(new URL(config.tailwind.css, root))).toBe(true);
    expect(readFileSync(new URL(config.tailwind.css, root), "utf8")).toMatch(/^@import "tailwindcss";/m);
    expect(config.tailwind.config).toBe("");
  });

  it("points its aliases at the folders the primitives live in and at the cn helper", async () => {
    expect(existsSync(fromAlias(`${config.aliases.ui}/button.tsx`))).toBe(true);
    expect(existsSync(fromAlias(config.aliases.lib!))).toBe(true);
    const utils = (await import(`@/${config.aliases.utils!.slice(2)}`)) as { cn?: (...c: string[]) => string };
    expect(utils.cn?.("px-2", "px-4")).toBe("px-4");
  });
});
