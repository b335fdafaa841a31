import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { connectInspector, freshDataDir, load, saveResults, seed, signIn, startServer } from "./lib";
import { breakDown, type CpuProfile } from "./profile-categories";

// Where a signed-in request's server CPU goes. Starts the built app with its inspector open, warms it up, then
// records a CPU profile (V8's sampling profiler, as `node --cpu-prof` would) while one page takes a steady load, and
// breaks the samples down by category (bench/profile-categories.ts): proxy.ts, session/JWT decoding, cache lookups,
// data shaping, React rendering, RSC serialization, instrumentation, other. The .cpuprofile file is saved beside the
// figures: open it in Chrome DevTools (Performance → Load profile) or speedscope to look closer.
//
//   npm run build && npm run bench:profile                  the dashboard, embedded PGlite, memory cache
//   npm run bench:profile -- --page tasks                   the task list (1,000 tasks) instead
//   npm run bench:profile -- --baseline ../anatomy-before   another built checkout (e.g. an earlier commit) instead
//   options: --seconds 20 --warmup 20 --connections 8 --tasks 1000; UPSTASH_* / DATABASE_URL as for the other benches

const { values: args } = parseArgs({
  options: {
    page: { type: "string", default: "dashboard" },
    seconds: { type: "string", default: "20" },
    warmup: { type: "string", default: "20" },
    connections: { type: "string", default: "8" },
    tasks: { type: "string", default: "1000" },
    port: { type: "string", default: "3196" },
    "inspect-port": { type: "string", default: "9296" },
    baseline: { type: "string" },
  },
});
const password = "bench-password-123";
const email = `bench-profile-${Date.now()}@example.test`;
const inspectPort = Number(args["inspect-port"]);

const dataDir = process.env.DATABASE_URL ? undefined : freshDataDir("profile");
const seeded = await seed({ email, password, tasks: Number(args.tasks), dataDir });
const paths: Record<string, string> = {
  dashboard: `/${seeded.orgSlug}`,
  tasks: `/${seeded.orgSlug}/projects/${seeded.projectId}`,
  "tasks-filtered": `/${seeded.orgSlug}/projects/${seeded.projectId}?status=in_progress`,
  landing: "/",
};
const pagePath = paths[args.page!];
if (!pagePath) throw new Error(`--page must be one of ${Object.keys(paths).join(", ")}`);
const server = await startServer({
  port: Number(args.port),
  dataDir: dataDir ?? freshDataDir("profile-unused"),
  env: { LOG_LEVEL: "warn", RATE_LIMIT_MULTIPLIER: "10000" },
  nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
  cwd: args.baseline,
});
try {
  const cookie = await signIn(server.url, email, password);
  const url = `${server.url}${pagePath}`;
  const options = { connections: Number(args.connections), headers: { cookie } };
  await load(url, { ...options, seconds: Number(args.warmup) });
  const inspector = await connectInspector(inspectPort);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
  const cpuBefore = server.cpuSeconds();
  await inspector.call("Profiler.start");
  const result = await load(url, { ...options, seconds: Number(args.seconds) });
  const { profile } = (await inspector.call("Profiler.stop")) as { profile: CpuProfile };
  const cpuMsPerRequest = ((server.cpuSeconds() - cpuBefore) * 1000) / result.total;
  inspector.close();
  const rows = breakDown(profile);
  // Each category's own sampled time per request. The profiler samples the main thread only: what the process spent
  // elsewhere (libuv's threadpool, where WebCrypto and zlib run, GC helper threads, the profiler itself) is the last
  // line, not spread over the categories.
  const sampledMs = rows.reduce((n, r) => n + r.sampledMs, 0);
  console.log(`${args.page}: ${result.total} requests, ${result.requestsPerSec} req/s, ${cpuMsPerRequest.toFixed(2)} ms CPU/request (process, while profiling)`);
  console.table([
    ...rows.map((r) => ({ category: r.category, "% of samples": r.share.toFixed(1), "ms/request": (r.sampledMs / result.total).toFixed(2) })),
    { category: "(off the main thread or unsampled)", "% of samples": "", "ms/request": (cpuMsPerRequest - sampledMs / result.total).toFixed(2) },
  ]);
  const saved = saveResults(`profile-${args.page}${args.baseline ? "-baseline" : ""}`, { page: args.page, build: args.baseline ?? "this", requests: result.total, cpuMsPerRequest, rows });
  writeFileSync(saved.replace(/\.json$/, ".cpuprofile"), JSON.stringify(profile));
  console.log(`saved ${saved} and its .cpuprofile`);
  if (result.errors + result.non2xx > 0) {
    console.error(`FAIL: ${result.errors + result.non2xx} requests failed`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
