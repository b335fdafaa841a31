import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

// Breaks a V8 CPU profile of the server down into the categories of docs/performance.md. The server bundles are
// minified (Next's runtime bundles React), so each frame is first mapped back to its original source through the
// .map file beside the bundle, then charged by these rules:
//   1. the innermost frame of a cross-cutting kind: session/JWT decoding, cache lookups, instrumentation, GC;
//   2. else, when the stack runs through proxy.ts (Next's middleware adapter): proxy.ts;
//   3. else the innermost frame that is React's HTML renderer (Fizz, and the Flight client it reads the RSC stream
//      with), React's RSC serializer (Flight server), the app's own code (data shaping), or Next's request handling;
//   4. else "other" (Node internals with no app frame above them: sockets, streams, timers).

export type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
};

type Frame = CpuProfile["nodes"][number]["callFrame"] & { source: string };

const CROSS_CUTTING: [string, (f: Frame) => boolean][] = [
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  // Bundled packages appear in source maps by package path, "@" URL-encoded ("%40auth/core/…").
  ["session/JWT decoding", (f) => /(^|\/)(jose|(@|%40)auth\/core|next-auth)\/|lib\/auth\/(auth|auth-config|session-id|session-token)\.ts/.test(f.source) || /^(hkdf|HKDFJob)$/.test(f.functionName)],
  ["cache lookups", (f) => /lib\/cache\/|(@|%40)upstash\//.test(f.source)],
  // The embedded database (PGlite, WebAssembly) runs its queries in the server's own process; a Postgres server's
  // work happens elsewhere, leaving only the driver (postgres.js) and drizzle here.
  ["database queries (driver, ORM, embedded PGlite)", (f) => /pglite|^wasm:|drizzle-orm|pg-protocol|(^|\/)postgres\/|^src\/(column|entity|sql|pg-core|session|utils)/.test(f.source) || /^wasm-function/.test(f.functionName)],
  ["instrumentation", (f) => /node_modules\/(prom-client|@opentelemetry|pino|@sentry)|lib\/observability\/|instrumentation/.test(f.source)],
];
const IN_PROXY = (f: Frame) => /(^|\/)proxy\.ts$|server\/web\/adapter|middleware/.test(f.source);
// Next's own sources reach the app's chunks too (Turbopack bundles next/dist/esm into them): they count as Next.
const NEXT_SOURCE = /webpack:\/\/next\/|next\/(\.\/)?(src|dist)\/|^(\.\.\/)+src\/(server|client|shared|lib|build)\/|turbopack:\/\/\/\[turbopack\]|node_modules\/next\//;
const APP_SOURCE = /^(\.\.\/)*(app|lib|components|db)\/|^\/.*\/(app|lib|components|db)\/(?!.*node_modules)/;
const LAYERS: [string, (f: Frame) => boolean][] = [
  ["React rendering (HTML)", (f) => /react-dom-server|react-server-dom-[a-z]+-client|react-dom\/cjs|lucide-react|lucide\/|@radix-ui/.test(f.source)],
  ["RSC serialization", (f) => /react-server-dom-[a-z]+-server/.test(f.source)],
  ["Next.js request handling", (f) => NEXT_SOURCE.test(f.source)],
  ["data shaping (app code)", (f) => APP_SOURCE.test(f.source) && !NEXT_SOURCE.test(f.source)],
];

const maps = new Map<string, SourceMap | null>();
function sourceOf(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  if (!frame.url) return frame.functionName;
  const file = frame.url.startsWith("file://") ? fileURLToPath(frame.url) : frame.url;
  if (!maps.has(file)) {
    let map: SourceMap | null = null;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  const map = maps.get(file);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string } | undefined;
  return entry?.originalSource ?? file;
}

/** Per category: its share of the sampled main-thread time, that time in ms, and its heaviest functions. */
export type Breakdown = { category: string; share: number; sampledMs: number; top: { name: string; share: number }[] }[];

export function breakDown(profile: CpuProfile): Breakdown {
  const parent = new Map<number, number>();
  const frames = new Map<number, Frame>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
    frames.set(node.id, { ...node.callFrame, source: sourceOf(node.callFrame) });
  }
  const stack = (id: number) => {
    const out: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(frames.get(at)!);
    return out; // innermost first
  };
  const categoryOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    const s = stack(id);
    const first = (rules: [string, (f: Frame) => boolean][]) => {
      for (const frame of s) for (const [category, test] of rules) if (test(frame)) return category;
      return null;
    };
    const category = first(CROSS_CUTTING) ?? (s.some(IN_PROXY) ? "proxy.ts" : null) ?? first(LAYERS) ?? "other";
    categoryOf.set(id, category);
    return category;
  };
  const time = new Map<string, number>();
  const selfTime = new Map<string, Map<string, number>>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id)!;
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") return;
    // timeDeltas[i] is the gap before sample i: the time a sample stands for is the gap after it (as DevTools counts).
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const category = classify(id);
    total += dt;
    time.set(category, (time.get(category) ?? 0) + dt);
    const name = `${frame.functionName || "(anonymous)"} ${frame.source.replace(/^.*node_modules\//, "").replace(/^webpack:\/\/next\/\.\//, "next/")}`;
    const own = selfTime.get(category) ?? new Map<string, number>();
    own.set(name, (own.get(name) ?? 0) + dt);
    selfTime.set(category, own);
  });
  return [...time.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([category, t]) => ({
      category,
      share: (t / total) * 100,
      sampledMs: t / 1000,
      top: [...(selfTime.get(category) ?? new Map<string, number>()).entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([name, s]) => ({ name, share: Math.round((s / total) * 1000) / 10 })),
    }));
}
