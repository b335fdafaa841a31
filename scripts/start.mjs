// `npm start`: the production server from the standalone build (`output: "standalone"` in next.config.ts), the same
// artifact a container or VM runs. It puts the build's static files and public/ beside server.js (the standalone
// server serves them from there; a CDN or nginx may serve them instead), keeps relative paths meaning what they mean
// for `npm run dev` (server.js changes its working directory to its own), and hands over to server.js.
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.cwd();
const standalone = path.join(root, ".next", "standalone");
const server = path.join(standalone, "server.js");
if (!existsSync(server)) {
  console.error("anatomy: .next/standalone/server.js is missing: run `npm run build` first.");
  process.exit(1);
}
const copies = [
  [path.join(root, ".next", "static"), path.join(standalone, ".next", "static")],
  [path.join(root, "public"), path.join(standalone, "public")],
];
for (const [from, to] of copies) {
  if (existsSync(from) && !existsSync(to)) cpSync(from, to, { recursive: true });
}
// The embedded database and generated secret stay in ./.data (not inside the build, which the next build replaces).
process.env.ANATOMY_DATA_DIR = path.resolve(root, process.env.ANATOMY_DATA_DIR ?? ".data");
// `next start`'s flags: -p/--port (else PORT, else 3000) and -H/--hostname (else every interface). server.js reads
// HOSTNAME, which shells and container runtimes set to the machine's name, so it is always set here.
const args = process.argv.slice(2);
const flag = (...names) => {
  const at = args.findIndex((a) => names.includes(a));
  return at >= 0 ? args[at + 1] : undefined;
};
process.env.PORT = flag("-p", "--port") ?? process.env.PORT ?? "3000";
process.env.HOSTNAME = flag("-H", "--hostname") ?? "0.0.0.0";
// The app handles SIGTERM itself: readiness turns 503, requests drain, then it exits (docs/observability.md).
process.env.NEXT_MANUAL_SIG_HANDLE ??= "true";
await import(pathToFileURL(server).href);
