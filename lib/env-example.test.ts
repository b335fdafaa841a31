import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "./env";

// .env.example lists every variable of lib/env.ts, and each one as written is its default: a copied file changes
// nothing until a line is edited. Besides them, only what compose.yaml itself substitutes (`${NAME...}`).
const lines = readFileSync(new URL("../.env.example", import.meta.url), "utf8").split("\n");
const entries = lines.flatMap((line) => {
  const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  if (!match) return [];
  // A commented line with no value stands for an unset variable; any other line is read as written.
  const value = line.startsWith("#") && match[2] === "" ? undefined : match[2]!.replace(/^"(.*)"$/, "$1");
  return [{ name: match[1]!, value, line }];
});
const composeNames = new Set([...readFileSync(new URL("../compose.yaml", import.meta.url), "utf8").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
const shape = envSchema.shape as Record<string, { parse: (value: unknown) => unknown }>;

describe(".env.example", () => {
  it("names every variable of lib/env.ts once", () => {
    const named = entries.map((e) => e.name);
    expect(Object.keys(shape).filter((name) => !named.includes(name)), "missing from .env.example").toEqual([]);
    expect(named.filter((name, i) => named.indexOf(name) !== i), "named twice").toEqual([]);
  });

  it("names nothing the app or compose.yaml does not read", () => {
    expect(entries.filter((e) => !(e.name in shape) && !composeNames.has(e.name)).map((e) => e.name)).toEqual([]);
  });

  it("shows each variable's default, so that copying it changes nothing", () => {
    const notDefault = entries
      .filter((e) => e.name in shape)
      .filter((e) => JSON.stringify(shape[e.name]!.parse(e.value)) !== JSON.stringify(shape[e.name]!.parse(undefined)))
      .map((e) => e.line);
    expect(notDefault).toEqual([]);
  });
});
