import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

// nginx as the cluster's load balancer: a config of our own in the cluster's directory (no system config touched),
// the master process as our child, and the set of upstream servers rewritten and reloaded as instances come and go.

const CANDIDATES = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx", "/opt/homebrew/bin/nginx", "/usr/local/bin/nginx"];

/** The nginx binary: NGINX_BIN, a usual place, or the PATH. Undefined when there is none. */
export function findNginx(): string | undefined {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (found) return found;
  const which = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

/**
 * Finds nginx or installs Debian's package (as root, with apt-get, without starting the system service), and says
 * which. Throws with the command to run when neither works.
 */
export function ensureNginx(log: (line: string) => void): string {
  const found = findNginx();
  if (found) {
    log(`nginx: ${found}`);
    return found;
  }
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    log("nginx: not found; installing Debian's nginx-light (apt-get)");
    // policy-rc.d: the package must not start the system-wide server on port 80.
    const policy = "/usr/sbin/policy-rc.d";
    const addedPolicy = !existsSync(policy);
    if (addedPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    try {
      const install = spawnSync("sh", ["-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light"], { stdio: "inherit" });
      if (install.status !== 0) throw new Error("apt-get install nginx-light failed");
    } finally {
      if (addedPolicy) spawnSync("rm", ["-f", policy]);
    }
    const installed = findNginx();
    if (installed) {
      log(`nginx: installed ${installed}`);
      return installed;
    }
  }
  throw new Error("nginx is not installed: `apt-get install nginx-light` (Debian/Ubuntu) or `brew install nginx`, or set NGINX_BIN");
}

export type Upstream = { name: string; port: number };

export type NginxOptions = {
  bin: string;
  /** Where the config, pid file, logs and temp files live. */
  dir: string;
  port: number;
  /** Static assets of every release the cluster has run, merged: `<staticRoot>/_next/static/...`. */
  staticRoot: string;
  /** Largest request body passed on (uploads): the app's own limits sit below it. */
  clientMaxBodySize: string;
};

export class Nginx {
  private child: ChildProcess | undefined;
  private current = "";

  constructor(private readonly opts: NginxOptions) {
    for (const sub of ["tmp", "logs"]) mkdirSync(path.join(opts.dir, sub), { recursive: true });
  }

  private get confPath() {
    return path.join(this.opts.dir, "nginx.conf");
  }

  private get upstreamPath() {
    return path.join(this.opts.dir, "upstream.conf");
  }

  /** The upstream block: the servers that get new requests. nginx needs at least one; `down` keeps the block valid. */
  private upstreamConf(servers: Upstream[]): string {
    const lines = servers.length
      ? servers.map((s) => `  server 127.0.0.1:${s.port} max_fails=0; # ${s.name}`)
      : ["  server 127.0.0.1:9 down; # no instance is ready"];
    // keepalive_timeout below Node's own 5 s: otherwise nginx reuses a connection the instance is closing, and a
    // POST sent on it fails with a 502 (nginx does not re-send it).
    return `upstream app {\n  least_conn;\n${lines.join("\n")}\n  keepalive 64;\n  keepalive_timeout 4s;\n}\n`;
  }

  private mainConf(): string {
    const { dir, port, staticRoot, clientMaxBodySize } = this.opts;
    const tmp = path.join(dir, "tmp");
    return `# Written by scripts/cluster (the local cluster's load balancer); regenerated on every start.
worker_processes 1;
pid ${path.join(dir, "nginx.pid")};
error_log ${path.join(dir, "logs", "error.log")} warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  include /dev/null;
  types { text/javascript js; text/css css; image/svg+xml svg; font/woff2 woff2; image/png png; }
  include ${this.upstreamPath};
  # No keep-alive towards clients: a reload closes the old workers' idle client connections, and a client that sent
  # a request on one at that instant gets a reset (a browser retries such a GET; fetch, curl and a POST do not). Each
  # request on its own connection cannot meet a closing one. Upstream connections stay kept alive.
  keepalive_timeout 0;
  server {
    listen 127.0.0.1:${port} reuseport;
    client_max_body_size ${clientMaxBodySize};
    # Hashed build assets of every release the cluster has served: a page rendered by an old instance still finds its
    # scripts while a new release rolls out.
    location /_next/static/ {
      root ${staticRoot};
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      # An instance that refused the connection (gone) or reset it before answering: the request goes to the next
      # one. nginx never re-sends a POST that reached an instance, so a write is never done twice.
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
`;
  }

  /** Writes the config and starts the master process with these servers. */
  async start(servers: Upstream[]): Promise<void> {
    this.current = this.upstreamConf(servers);
    writeFileSync(this.upstreamPath, this.current);
    writeFileSync(this.confPath, this.mainConf());
    const test = spawnSync(this.opts.bin, ["-t", "-q", "-c", this.confPath, "-e", path.join(this.opts.dir, "logs", "error.log")], { encoding: "utf8" });
    if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr}`);
    // A process group of its own, so that its workers can be killed with it.
    this.child = spawn(this.opts.bin, ["-c", this.confPath, "-e", path.join(this.opts.dir, "logs", "error.log")], { stdio: ["ignore", "ignore", "pipe"], detached: true });
    let stderr = "";
    this.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 50; i++) {
      if (this.child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}`);
      const up = await fetch(`http://127.0.0.1:${this.opts.port}/_next/static/none`).then(
        () => true,
        () => false,
      );
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`nginx did not listen on ${this.opts.port}: ${stderr}`);
  }

  /**
   * Points new requests at these servers: the upstream file is rewritten and the master told to reload. Its new
   * workers take new connections at once; the old ones finish the requests they hold, then exit. No-op when unchanged.
   */
  setUpstreams(servers: Upstream[]): boolean {
    const next = this.upstreamConf(servers);
    if (next === this.current || !this.child?.pid) return false;
    this.current = next;
    writeFileSync(this.upstreamPath, next);
    process.kill(this.child.pid, "SIGHUP");
    return true;
  }

  /** At process exit: no waiting possible. */
  killNow(): void {
    if (!this.child?.pid || this.child.exitCode !== null) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGQUIT"); // graceful: finish the requests in flight
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
