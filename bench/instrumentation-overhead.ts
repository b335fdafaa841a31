import { cpSync } from "node:fs";
import { freshDataDir, load, saveResults, seedEmbedded, signIn, startServer, type LoadResult } from "./lib";

// Overhead of metrics + tracing + access log on the signed-in dashboard: the built app (run `npm run build` first)
// is started with ANATOMY_INSTRUMENTATION=1 and =0 in alternating rounds, same data, same load.
// Usage: npm run bench:instrumentation -- [seconds=15] [connections=10] [rounds=2]

const [seconds = 15, connections = 10, rounds = 2] = process.argv.slice(2).map(Number);
const email = "bench@example.test";
const password = "bench-password-123";
const port = 3190;

const template = freshDataDir("template");
const { orgSlug } = await seedEmbedded(template, email, password);

const results: Record<"on" | "off", LoadResult[]> = { on: [], off: [] };
for (let round = 0; round < rounds; round++) {
  for (const mode of round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
    const dataDir = freshDataDir(mode);
    cpSync(template, dataDir, { recursive: true });
    const server = await startServer({ port, dataDir, env: { ANATOMY_INSTRUMENTATION: mode === "on" ? "1" : "0" } });
    try {
      const cookie = await signIn(server.url, email, password);
      const url = `${server.url}/${orgSlug}`;
      await load(url, { connections, seconds: 3, headers: { cookie } }); // warm-up
      const r = await load(url, { connections, seconds, headers: { cookie } });
      results[mode].push(r);
      console.log(`round ${round + 1} ${mode.padEnd(3)} ${r.requestsPerSec.toFixed(1)} req/s  p50 ${r.p50} ms  p97.5 ${r.p97_5} ms  errors ${r.errors}  non-2xx ${r.non2xx}`);
    } finally {
      await server.stop();
    }
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = {
  seconds,
  connections,
  rounds,
  on: { reqPerSec: mean(results.on.map((r) => r.requestsPerSec)), p50: mean(results.on.map((r) => r.p50)), p97_5: mean(results.on.map((r) => r.p97_5)) },
  off: { reqPerSec: mean(results.off.map((r) => r.requestsPerSec)), p50: mean(results.off.map((r) => r.p50)), p97_5: mean(results.off.map((r) => r.p97_5)) },
};
const throughputRatio = summary.on.reqPerSec / summary.off.reqPerSec;
const latencyRatio = summary.on.p50 / summary.off.p50;
console.table({ on: summary.on, off: summary.off });
console.log(`throughput on/off: ${throughputRatio.toFixed(3)} (overhead ${((1 - throughputRatio) * 100).toFixed(1)}%), p50 latency on/off: ${latencyRatio.toFixed(3)}`);
console.log(`saved ${saveResults("instrumentation-overhead", { ...summary, throughputRatio, latencyRatio, results })}`);
