import { cpSync } from "node:fs";
import { freshDataDir, load, saveResults, seedEmbedded, signIn, startServer, type LoadResult, type ServerHandle } from "./lib";

// Overhead of metrics + tracing + access log on the signed-in dashboard. The built app (run `npm run build` first) is
// started twice, side by side on the same data: ANATOMY_INSTRUMENTATION=1 and =0. After a warm-up, the two take the
// same load in short alternating bursts, so both see the same machine (two shared cores drift by ±10% over minutes,
// more than the effect measured). Headline: the server's CPU time per request, on / off (its own processes only, so
// the load generator on the same cores does not blur it); throughput and latency are printed too.
// Usage: npm run bench:instrumentation -- [seconds per burst=5] [connections=10] [bursts=12] [pairs=2]

const [seconds = 5, connections = 10, bursts = 12, pairs = 2] = process.argv.slice(2).map(Number);
const email = "bench@example.test";
const password = "bench-password-123";
const modes = ["on", "off"] as const;
type Mode = (typeof modes)[number];
type Burst = LoadResult & { cpuMsPerRequest: number };

const template = freshDataDir("template");
const { orgSlug } = await seedEmbedded(template, email, password);

async function startMode(mode: Mode, pair: number): Promise<{ server: ServerHandle; url: string; cookie: string }> {
  const dataDir = freshDataDir(`${mode}-${pair}`);
  cpSync(template, dataDir, { recursive: true });
  const server = await startServer({
    port: mode === "on" ? 3190 : 3191,
    dataDir,
    env: { ANATOMY_INSTRUMENTATION: mode === "on" ? "1" : "0" },
  });
  const cookie = await signIn(server.url, email, password);
  return { server, url: `${server.url}/${orgSlug}`, cookie };
}

const results: Record<Mode, Burst[]> = { on: [], off: [] };
const pairedRatios: number[] = [];
for (let pair = 0; pair < pairs; pair++) {
  const servers = { on: await startMode("on", pair), off: await startMode("off", pair) };
  try {
    // JIT and heap settle over the first minute of load: CPU per request falls by a quarter before it levels off.
    for (const mode of modes) await load(servers[mode].url, { connections, seconds: 30, headers: { cookie: servers[mode].cookie } });
    for (let burst = 0; burst < bursts; burst++) {
      const measured = {} as Record<Mode, Burst>;
      for (const mode of burst % 2 === 0 ? modes : ([...modes].reverse() as Mode[])) {
        const { server, url, cookie } = servers[mode];
        const cpuBefore = server.cpuSeconds();
        const loaded = await load(url, { connections, seconds, headers: { cookie } });
        measured[mode] = { ...loaded, cpuMsPerRequest: ((server.cpuSeconds() - cpuBefore) * 1000) / loaded.total };
        results[mode].push(measured[mode]);
      }
      pairedRatios.push(measured.on.cpuMsPerRequest / measured.off.cpuMsPerRequest);
      const line = (m: Mode) => `${m} ${measured[m].cpuMsPerRequest.toFixed(2)} ms CPU/req ${measured[m].requestsPerSec.toFixed(1)} req/s`;
      const failures = measured.on.errors + measured.on.non2xx + measured.off.errors + measured.off.non2xx;
      console.log(`pair ${pair + 1} burst ${String(burst + 1).padStart(2)}: ${line("on")} | ${line("off")}${failures ? ` | ${failures} failed` : ""}`);
    }
  } finally {
    await Promise.all([servers.on.server.stop(), servers.off.server.stop()]);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
};
// 95% interval of the mean paired ratio (Student's t; bursts are paired, so machine drift cancels out). The t
// quantile comes from its Cornish-Fisher expansion around the normal one: 2.069 for 23 degrees of freedom.
const interval = (xs: number[]) => {
  const m = mean(xs);
  const df = xs.length - 1;
  const sd = Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / df);
  const z = 1.959964;
  const t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
  const half = (t * sd) / Math.sqrt(xs.length);
  return [m - half, m + half] as const;
};
const summarize = (rs: Burst[]) => ({
  cpuMsPerRequest: sum(rs.map((r) => r.cpuMsPerRequest * r.total)) / sum(rs.map((r) => r.total)),
  reqPerSec: mean(rs.map((r) => r.requestsPerSec)),
  p50: mean(rs.map((r) => r.p50)),
  p97_5: mean(rs.map((r) => r.p97_5)),
  failed: sum(rs.map((r) => r.errors + r.non2xx)),
});
// Whatever else the "on" server was given (a trace endpoint, a sampler) is part of what was measured.
const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null, OTEL_TRACES_SAMPLER: process.env.OTEL_TRACES_SAMPLER ?? null };
const summary = { seconds, connections, bursts, pairs, tracing, on: summarize(results.on), off: summarize(results.off) };
const cpuRatio = summary.on.cpuMsPerRequest / summary.off.cpuMsPerRequest;
const medianPairedCpuRatio = median(pairedRatios);
const pairedCpuRatio95 = interval(pairedRatios);
const throughputRatio = summary.on.reqPerSec / summary.off.reqPerSec;
const latencyRatio = summary.on.p50 / summary.off.p50;
console.table({ on: summary.on, off: summary.off });
if (tracing.OTEL_EXPORTER_OTLP_ENDPOINT) console.log(`"on" exported traces to ${tracing.OTEL_EXPORTER_OTLP_ENDPOINT} (sampler ${tracing.OTEL_TRACES_SAMPLER ?? "default"})`);
console.log(
  `CPU per request on/off: ${cpuRatio.toFixed(3)} (overhead ${((cpuRatio - 1) * 100).toFixed(1)}%); ${pairedRatios.length} paired bursts: median ratio ${medianPairedCpuRatio.toFixed(3)}, mean ratio ${mean(pairedRatios).toFixed(3)} (95% interval ${pairedCpuRatio95.map((x) => x.toFixed(3)).join("–")})`,
);
console.log(`throughput on/off: ${throughputRatio.toFixed(3)} (overhead ${((1 - throughputRatio) * 100).toFixed(1)}%), p50 latency on/off: ${latencyRatio.toFixed(3)}`);
console.log(`saved ${saveResults("instrumentation-overhead", { ...summary, cpuRatio, medianPairedCpuRatio, pairedCpuRatio95, throughputRatio, latencyRatio, pairedRatios, results })}`);
if (summary.on.failed + summary.off.failed > 0) process.exitCode = 1;
