import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { Nginx, type Upstream } from "./nginx";

// A local cluster of the app's standalone build: N instances on their own ports behind nginx, sharing one Postgres
// database and Redis (through the Upstash bridge). A controller polls each instance's /api/ready and keeps nginx's
// upstream set to the ready instances of the live colour, so an instance that is starting, draining or failing gets
// no new requests. Rolling replacement and blue-green switches are built on that. See docs/scaling.md.

export type Color = "blue" | "green";
export type InstanceState = "starting" | "ready" | "unready" | "draining" | "exited";

export type Instance = {
  name: string;
  port: number;
  release: string;
  color: Color;
  state: InstanceState;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
};

export type ClusterOptions = {
  /** Working directory: releases, nginx config, logs. */
  dir: string;
  /** The load balancer's port. */
  port: number;
  /** Instances listen on ports from here up. */
  firstInstancePort: number;
  nginxBin: string;
  /** Environment every instance gets (DATABASE_URL, UPSTASH_*, AUTH_SECRET, ...), on top of the cluster's own. */
  env: Record<string, string>;
  log?: (line: string) => void;
  /** How often the controller asks each instance's /api/ready. */
  pollMs?: number;
};

/** A copy of a standalone build (`.next/standalone` with its static files and public/), runnable on its own. */
export type Release = { id: string; dir: string; buildId: string };

export class Cluster {
  readonly url: string;
  readonly instances: Instance[] = [];
  private readonly nginx: Nginx;
  private readonly log: (line: string) => void;
  private nextPort: number;
  private nextName = 1;
  private live: Color = "blue";
  private timer: NodeJS.Timeout | undefined;
  private last: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  /** Reloads of nginx so far (each a change of the routed set). */
  reloads = 0;

  constructor(private readonly opts: ClusterOptions) {
    this.url = `http://127.0.0.1:${opts.port}`;
    this.log = opts.log ?? ((line) => console.log(`cluster: ${line}`));
    this.nextPort = opts.firstInstancePort;
    mkdirSync(path.join(opts.dir, "releases"), { recursive: true });
    mkdirSync(path.join(opts.dir, "static", "_next"), { recursive: true });
    mkdirSync(path.join(opts.dir, "logs"), { recursive: true });
    // Instances run in process groups of their own (detached): if this process ends without stop() (an uncaught
    // error), they must not live on.
    process.once("exit", () => {
      for (const i of this.instances) {
        if (i.state === "exited") continue;
        try {
          process.kill(-i.child.pid!, "SIGKILL");
        } catch {
          // gone
        }
      }
      this.nginx.killNow();
    });
    this.nginx = new Nginx({
      bin: opts.nginxBin,
      dir: opts.dir,
      port: opts.port,
      staticRoot: path.join(opts.dir, "static"),
      clientMaxBodySize: "12m",
    });
  }

  get liveColor(): Color {
    return this.live;
  }

  /**
   * Copies a standalone build into the cluster (hard links: a later `next build` replaces files, never edits them),
   * with `.next/static` and `public/` beside it as the standalone server expects, and adds its static files to the
   * set nginx serves.
   */
  prepareRelease(projectDir: string, id: string): Release {
    const standalone = path.join(projectDir, ".next", "standalone");
    if (!existsSync(path.join(standalone, "server.js"))) {
      throw new Error(`${standalone}/server.js is missing: build first (npm run build, with output: "standalone")`);
    }
    const dir = path.join(this.opts.dir, "releases", id);
    rmSync(dir, { recursive: true, force: true });
    const copy = (from: string, to: string) => {
      const result = spawnSync("cp", ["-al", from, to]);
      if (result.status !== 0) {
        const fallback = spawnSync("cp", ["-a", from, to]);
        if (fallback.status !== 0) throw new Error(`cp ${from} ${to} failed: ${fallback.stderr}`);
      }
    };
    copy(standalone, dir);
    if (!existsSync(path.join(dir, ".next", "static"))) copy(path.join(projectDir, ".next", "static"), path.join(dir, ".next", "static"));
    if (existsSync(path.join(projectDir, "public")) && !existsSync(path.join(dir, "public"))) copy(path.join(projectDir, "public"), path.join(dir, "public"));
    // The union of every release's hashed assets (same name, same content), served by nginx.
    spawnSync("cp", ["-a", "--no-clobber", path.join(projectDir, ".next", "static"), path.join(this.opts.dir, "static", "_next")]);
    const buildId = readFileSync(path.join(dir, ".next", "BUILD_ID"), "utf8").trim();
    this.log(`release ${id}: build ${buildId}`);
    return { id, dir, buildId };
  }

  /** Starts nginx (with no instance yet) and the readiness controller. */
  async start(): Promise<void> {
    await this.nginx.start([]);
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? 200);
    this.log(`load balancer on ${this.url}`);
  }

  /** Starts an instance of `release` and resolves once it answers ready (it joins the rotation if its colour is live). */
  async startInstance(release: Release, color: Color = this.live, extraEnv: Record<string, string> = {}): Promise<Instance> {
    // A port found free can still be taken before the server binds it (an outgoing connection): then the next one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startInstanceOnce(release, color, extraEnv);
      } catch (error) {
        if (attempt >= 3 || !(error instanceof Error) || !error.message.includes("EADDRINUSE")) throw error;
        this.log(`port taken at start-up, trying the next one`);
      }
    }
  }

  private async startInstanceOnce(release: Release, color: Color, extraEnv: Record<string, string>): Promise<Instance> {
    while (!(await isPortFree(this.nextPort))) this.nextPort++;
    const port = this.nextPort++;
    const name = `${color[0]}${this.nextName++}`;
    const logFile = path.join(this.opts.dir, "logs", `${name}-${port}.log`);
    const fd = openSync(logFile, "a");
    const child = spawn(process.execPath, [path.join(release.dir, "server.js")], {
      cwd: release.dir,
      env: {
        ...process.env,
        ...this.opts.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        // The app handles SIGTERM itself: readiness 503, drain, exit (lib/runtime/graceful-shutdown.ts).
        NEXT_MANUAL_SIG_HANDLE: "true",
        OTEL_SERVICE_NAME: `anatomy-${name}`,
        ...extraEnv,
      },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const instance: Instance = { name, port, release: release.id, color, state: "starting", child, logFile, exited };
    this.instances.push(instance);
    void exited.then((code) => {
      instance.state = "exited";
      this.log(`${name} (:${port}) exited with ${code}`);
      void this.poll();
    });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (instance.state === "exited") throw new Error(`${name} exited during start-up:\n${tail(logFile)}`);
      if (await isReady(port)) {
        instance.state = "ready";
        this.log(`${name} (:${port}, ${release.id}, ${color}) ready`);
        await this.poll();
        return instance;
      }
      await sleep(200);
    }
    await this.kill(instance);
    throw new Error(`${name} was not ready within 90 s:\n${tail(logFile)}`);
  }

  /**
   * The instances nginx sends new requests to: the ready ones of the live colour. When none is ready but some run (a
   * dependency every instance shares is down, say Postgres, so all turn unready at once), those running keep getting
   * requests: fail open, as cloud load balancers do, so users get the app's own answer (cached pages, a 503 page that
   * says what happens) instead of the balancer refusing everyone.
   */
  routed(): Instance[] {
    const live = this.instances.filter((i) => i.color === this.live);
    const ready = live.filter((i) => i.state === "ready");
    return ready.length > 0 ? ready : live.filter((i) => i.state === "unready");
  }

  /**
   * One controller pass: readiness of every running instance, then the routed set. Passes run one at a time; a call
   * made while one runs gets the next pass, so what it changed before calling is seen.
   */
  poll(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.last.then(() => {
      this.queued = undefined;
      return this.pollOnce();
    });
    this.queued = next;
    this.last = next.catch((error: unknown) => this.log(`controller: ${String(error)}`));
    return next;
  }

  private async pollOnce(): Promise<void> {
    await Promise.all(
      this.instances
        .filter((i) => i.state !== "exited" && i.state !== "starting" && i.state !== "draining")
        .map(async (i) => {
          const ready = await isReady(i.port);
          // Exited or told to drain meanwhile: stays out.
          if (i.state === "ready" || i.state === "unready") i.state = ready ? "ready" : "unready";
        }),
    );
    const servers: Upstream[] = this.routed().map((i) => ({ name: i.name, port: i.port }));
    if (this.nginx.setUpstreams(servers)) {
      this.reloads++;
      this.log(`routing to ${servers.map((s) => s.name).join(", ") || "nobody"}`);
    }
  }

  /**
   * Stops an instance the way a platform does: out of rotation first (nginx reloaded), then SIGTERM (the app turns
   * its readiness 503, lets requests in flight finish during its drain period, and exits). Resolves on exit.
   */
  async stopInstance(instance: Instance, { timeoutMs = 60_000 } = {}): Promise<number | null> {
    if (instance.state === "exited") return instance.child.exitCode;
    instance.state = "draining";
    await this.poll();
    process.kill(instance.child.pid!, "SIGTERM");
    const timer = setTimeout(() => void this.kill(instance), timeoutMs);
    const code = await instance.exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL, no drain (a crash, an OOM kill). */
  async kill(instance: Instance): Promise<void> {
    if (instance.state === "exited") return;
    try {
      process.kill(-instance.child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
    await instance.exited;
  }

  /**
   * Rolling deploy: each running instance of the live colour is replaced by one of `release`, one at a time: the new
   * one starts and joins when ready, then the old one leaves (out of rotation, SIGTERM, drain, exit).
   */
  async rollTo(release: Release): Promise<void> {
    const old = this.instances.filter((i) => i.color === this.live && i.state !== "exited" && i.release !== release.id);
    for (const instance of old) {
      await this.startInstance(release, this.live);
      const code = await this.stopInstance(instance);
      this.log(`rolled ${instance.name} → ${release.id} (old exited ${code})`);
    }
  }

  /** Blue-green: new requests go to the ready instances of `color` only, in one nginx reload. */
  async switchTo(color: Color): Promise<void> {
    const ready = this.instances.filter((i) => i.color === color && i.state === "ready");
    if (ready.length === 0) throw new Error(`no ready ${color} instance: not switching`);
    this.live = color;
    await this.poll();
    this.log(`live colour is now ${color}`);
  }

  /** Everything down: instances (SIGTERM, then SIGKILL), controller, nginx. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(
      this.instances
        .filter((i) => i.state !== "exited")
        .map(async (i) => {
          try {
            process.kill(i.child.pid!, "SIGTERM");
          } catch {
            // gone
          }
          const timer = setTimeout(() => void this.kill(i), 15_000);
          await i.exited;
          clearTimeout(timer);
        }),
    );
    await this.nginx.stop();
    // The releases are copies of whole builds; the logs stay for a look afterwards.
    rmSync(path.join(this.opts.dir, "releases"), { recursive: true, force: true });
    rmSync(path.join(this.opts.dir, "static"), { recursive: true, force: true });
  }
}

/**
 * Whether nothing listens on (or holds) the port now. Instance ports should sit below the ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range, 32768+ on Linux): there, the load's own outgoing connections take ports.
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** A free port in 20000–29999 (below the ephemeral range) with `count` free ports after it, from a seed. */
export async function freeClusterPort(seed = process.pid, count = 16): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + ((seed + attempt * 97) % 9_900);
    const ports = Array.from({ length: count + 1 }, (_, i) => base + i);
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return base;
  }
  throw new Error("no free port range found in 20000-29999");
}

async function isReady(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
