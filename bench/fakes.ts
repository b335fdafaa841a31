import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

// Stand-ins for the services a fault proof breaks on purpose: Inngest's event API and an SMTP server, each able to
// answer normally, fail, or hang. They record what reached them, so "no event lost" and "every mail sent" are counted,
// not assumed.

export type FaultMode = "ok" | "error" | "hang";

export type FakeInngest = {
  url: string;
  setMode: (mode: FaultMode) => void;
  /** Event ids that were accepted (answered 200), with when. */
  received: Map<string, { name: string; at: number }>;
  /** Event POSTs answered 500, and those held without an answer. */
  refused: () => number;
  held: () => number;
  /**
   * Runs a function of the app the way Inngest's executor does (its cron, here on demand): signed POSTs to `serveUrl`,
   * as Inngest Cloud sends them to an app with INNGEST_SIGNING_KEY.
   */
  invoke: (serveUrl: string, fnId: string, signingKey: string) => Promise<unknown>;
  close: () => Promise<void>;
};

/**
 * Inngest's event API (`POST /e/<key>`) as the SDK calls it when INNGEST_BASE_URL points at it (with
 * INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY set, the app is in its production mode: self-hosted Inngest).
 */
export async function startFakeInngest(): Promise<FakeInngest> {
  let mode: FaultMode = "ok";
  let refused = 0;
  let heldCount = 0;
  const held = new Set<ServerResponse>();
  const received = new Map<string, { name: string; at: number }>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.startsWith("/e/")) {
        res.writeHead(404).end();
        return;
      }
      if (mode === "hang") {
        heldCount++;
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      if (mode === "error") {
        refused++;
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "internal error (fault injected)", status: 500 }));
        return;
      }
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const events = (Array.isArray(body) ? body : [body]) as { id?: string; name: string }[];
      const ids = events.map((e) => {
        const id = e.id ?? randomUUID();
        if (!received.has(id)) received.set(id, { name: e.name, at: Date.now() });
        return id;
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ids, status: 200 }));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    refused: () => refused,
    held: () => heldCount,
    setMode: (next) => {
      mode = next;
      // The end of a hang: what was held is cut (the SDK sees a failed send; the outbox keeps the event).
      if (next !== "hang") for (const res of held) res.socket?.destroy();
    },
    invoke: (serveUrl, fnId, signingKey) => invokeFunction(serveUrl, fnId, signingKey),
    close: async () => {
      for (const res of held) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * One run of a function through the SDK's serve handler, as Inngest's executor drives it (the protocol is described
 * in lib/inngest/local-executor/): discover, store each step's result, call again until the function returns. Only the
 * ops a simple cron function produces (StepRun, StepPlanned) are handled; anything else is an error.
 */
async function invokeFunction(serveUrl: string, fnId: string, signingKey: string): Promise<unknown> {
  const event = { id: randomUUID(), name: "inngest/scheduled.timer", data: { cron: "* * * * *" }, ts: Date.now() };
  const steps: Record<string, { data: unknown }> = {};
  const stack: string[] = [];
  const runId = randomUUID();
  let stepId = "step";
  let version: string | null = null;
  for (let call = 0; call < 50; call++) {
    const url = new URL(serveUrl);
    url.searchParams.set("fnId", fnId);
    url.searchParams.set("stepId", stepId);
    const body = canonicalJson({
      event,
      events: [event],
      steps,
      ctx: { run_id: runId, attempt: 0, max_attempts: 1, disable_immediate_execution: false, use_api: false, stack: { stack, current: Math.max(stack.length - 1, 0) } },
    });
    // Inngest's request signature: HMAC-SHA256 of the body and the timestamp, keyed with the signing key less its
    // `signkey-<env>-` prefix (node_modules/inngest/helpers/net.js).
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = createHmac("sha256", signingKey.replace(/^signkey-\w+-/, "")).update(body + ts).digest("hex");
    const headers: Record<string, string> = { "content-type": "application/json", "x-inngest-server-kind": "cloud", "x-inngest-signature": `t=${ts}&s=${signature}` };
    if (version) headers["x-inngest-req-version"] = version;
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(60_000) });
    version = response.headers.get("x-inngest-req-version") ?? version;
    const text = await response.text();
    if (response.status === 200) return text ? JSON.parse(text) : null;
    if (response.status !== 206) throw new Error(`${fnId}: the serve handler answered ${response.status}: ${text.slice(0, 300)}`);
    const ops = JSON.parse(text) as { op: string; id: string; data?: unknown }[];
    stepId = "step";
    for (const op of ops) {
      if (op.op === "StepRun") {
        steps[op.id] = { data: op.data ?? null };
        stack.push(op.id);
      } else if (op.op === "StepPlanned") {
        stepId = op.id;
      } else {
        throw new Error(`${fnId}: unexpected op ${op.op}: ${text.slice(0, 300)}`);
      }
    }
  }
  throw new Error(`${fnId}: no result after 50 calls`);
}

/** JSON with object keys sorted: the form the SDK signs a parsed body in, so the signature holds either way. */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(value));
}

export type FakeSmtp = {
  url: string;
  setMode: (mode: Exclude<FaultMode, "error">) => void;
  /** Accepted messages: recipients and subject. */
  messages: { to: string[]; subject: string; at: number }[];
  /** Connections held without a greeting while hanging. */
  held: () => number;
  close: () => Promise<void>;
};

/** An SMTP server (smtp-server) that accepts every message, or hangs: connections get no greeting until it ends. */
export async function startFakeSmtp(): Promise<FakeSmtp> {
  let mode: "ok" | "hang" = "ok";
  let heldCount = 0;
  const waiting: (() => void)[] = [];
  const messages: FakeSmtp["messages"] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect(_session, callback) {
      if (mode === "hang") {
        heldCount++;
        waiting.push(() => callback());
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? "";
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, at: Date.now() });
        callback();
      });
    },
  });
  server.on("error", () => {}); // a client that timed out and left mid-greeting
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    held: () => heldCount,
    setMode: (next) => {
      mode = next;
      if (next === "ok") for (const release of waiting.splice(0)) release();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
