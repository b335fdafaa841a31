import { parseArgs } from "node:util";
import { connectInspector, freshDataDir, load, seed, signIn, startServer } from "./lib";

// Does the server's memory level off under a steady signed-in load? Loads the dashboard in rounds and, after each,
// forces a full garbage collection in the server (through its inspector port, as DevTools does) and prints what is
// left: heap used (live objects), heap total and RSS. Fails when heap used or RSS still grows by more than
// --max-growth between the last two rounds, or when any request failed. Without the forced collection heap used
// swings by 2x with whatever garbage the last burst left, and a leak hides in the noise.
//
//   npm run build && npm run bench:memory                         the memory cache adapter, embedded PGlite
//   UPSTASH_REDIS_REST_URL=… UPSTASH_REDIS_REST_TOKEN=… DATABASE_URL=… npm run bench:memory   Redis through Upstash
//   options: --rounds 6 --seconds 20 --connections 32 --warmup 2 --max-growth 0.1
// The bench process needs WebSocket (Node 20: --experimental-websocket, set by the npm script).

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "20" },
    connections: { type: "string", default: "32" },
    warmup: { type: "string", default: "2" },
    "max-growth": { type: "string", default: "0.1" },
    port: { type: "string", default: "3193" },
    "inspect-port": { type: "string", default: "9293" },
  },
});
const rounds = Number(args.rounds);
const warmup = Number(args.warmup);
const maxGrowth = Number(args["max-growth"]);
if (rounds < warmup + 2) throw new Error("--rounds must leave at least two rounds after --warmup");
const inspectPort = Number(args["inspect-port"]);
const metricsToken = "bench-metrics-token-0123456789";
const password = "bench-password-123";
const email = `bench-mem-${Date.now()}@example.test`;

type Sample = { round: number; requests: number; errors: number; heapUsedMb: number; heapTotalMb: number; rssMb: number };

/** Full GC in the server, then its memory, over the Chrome DevTools protocol on the server's inspector port. */
async function collectAndMeasure(inspectPort: number): Promise<{ heapUsedMb: number; heapTotalMb: number; rssMb: number }> {
  const inspector = await connectInspector(inspectPort);
  try {
    await inspector.call("HeapProfiler.collectGarbage");
    const evaluated = (await inspector.call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })) as {
      result: { value: string };
    };
    const usage = JSON.parse(evaluated.result.value) as { heapUsed: number; heapTotal: number; rss: number };
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    return { heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), rssMb: mb(usage.rss) };
  } finally {
    inspector.close();
  }
}

async function main() {
  const dataDir = process.env.DATABASE_URL ? undefined : freshDataDir("memory");
  const seeded = await seed({ email, password, tasks: 200, dataDir });
  const cacheKind = process.env.UPSTASH_REDIS_REST_URL ? "upstash" : "memory";
  const server = await startServer({
    port: Number(args.port),
    dataDir: dataDir ?? freshDataDir("memory-unused"),
    env: { METRICS_TOKEN: metricsToken },
    nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
  });
  const samples: Sample[] = [];
  try {
    const cookie = await signIn(server.url, email, password);
    console.log(`memory under load: dashboard, ${args.connections} connections, ${rounds} × ${args.seconds} s, cache ${cacheKind}`);
    console.log("round  requests  errors  heap used MB  heap total MB  RSS MB");
    for (let round = 1; round <= rounds; round++) {
      const result = await load(`${server.url}/${seeded.orgSlug}`, { connections: Number(args.connections), seconds: Number(args.seconds), headers: { cookie } });
      // Requests the load generator abandoned at the end of the round finish first.
      await new Promise((r) => setTimeout(r, 2000));
      const memory = await collectAndMeasure(inspectPort);
      const sample = { round, requests: result.total, errors: result.errors + result.non2xx, ...memory };
      samples.push(sample);
      console.log(
        `${String(round).padStart(5)}  ${String(sample.requests).padStart(8)}  ${String(sample.errors).padStart(6)}  ${String(sample.heapUsedMb).padStart(12)}  ${String(sample.heapTotalMb).padStart(13)}  ${String(sample.rssMb).padStart(6)}`,
      );
    }
  } finally {
    await server.stop();
  }
  const [before, last] = samples.slice(-2) as [Sample, Sample];
  const growth = (a: number, b: number) => (b - a) / a;
  const heapGrowth = growth(before.heapUsedMb, last.heapUsedMb);
  const rssGrowth = growth(before.rssMb, last.rssMb);
  const errors = samples.reduce((n, s) => n + s.errors, 0);
  console.log(`last two rounds: heap used ${(heapGrowth * 100).toFixed(1)}%, RSS ${(rssGrowth * 100).toFixed(1)}% (limit ${maxGrowth * 100}%); errors ${errors}`);
  if (heapGrowth > maxGrowth || rssGrowth > maxGrowth) {
    console.error("FAIL: memory still grows after the warm-up");
    process.exitCode = 1;
  }
  if (errors > 0) {
    console.error("FAIL: requests failed under load");
    process.exitCode = 1;
  }
}

await main();
