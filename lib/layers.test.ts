import { readdirSync } from "node:fs";
import madge from "madge";
import { describe, expect, it } from "vitest";
import { layers } from "../eslint.config.mjs";

// The import rules of eslint.config.mjs see only the paths its layer lists name, and no lint rule sees a cycle made of
// lazy import()s (the outbox once reached every job function that way). These two checks close both gaps.

describe("the layers of lib/", () => {
  it("name every folder and file of lib/ exactly once, so the import rules cover it", () => {
    const listed = Object.values(layers).flat().map((path) => path.replace(/^\.\/lib\//, ""));
    const entries = readdirSync("lib", { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")))
      .map((entry) => entry.name);
    expect(entries.filter((name) => !listed.includes(name)), "add these to a layer in eslint.config.mjs").toEqual([]);
    expect(listed.filter((name) => !entries.includes(name)), "these layer entries no longer exist").toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });
});

describe("the app's imports", () => {
  it("form no cycle, dynamic import() included", async () => {
    const graph = await madge(["app", "lib", "components", "db", "scripts", "instrumentation.ts", "proxy.ts"], {
      fileExtensions: ["ts", "tsx"],
      tsConfig: "tsconfig.json",
      excludeRegExp: [/\.test\.tsx?$/],
      detectiveOptions: { ts: { skipTypeImports: true }, tsx: { skipTypeImports: true } },
    });
    // Guards the check itself: a resolver that found nothing would report no cycle either.
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(150);
    expect(graph.obj()["lib/jobs/outbox.ts"]).toContain("lib/db/client.ts");
    expect(graph.circular(), "import cycles (each a chain of files leading back to its first)").toEqual([]);
  });
});
