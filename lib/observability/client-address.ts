import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { ClientAddressSource } from "@/lib/env";
import { processState } from "@/lib/runtime/process-state";

// The client address that per-address rate limits count, from the one source the operator declared (lib/env.ts):
//
// - socket (TRUSTED_PROXY_HOPS=0; the default in development and tests): the TCP peer. Next.js does not give route
//   handlers, server actions or proxy.ts the socket (NextRequest.ip is gone), and it fills x-forwarded-for with the
//   peer only when the client sent none, so that header is the client's to write. Instead, Node's own
//   `http.server.request.start` diagnostics channel hands us every request with its socket before Next.js sees it, and
//   we stamp the peer on a header of ours, replacing whatever the client put there. The stamp carries a secret made at
//   process start: a request that arrived before the hook was installed (the first instants of a start), or a copy the
//   client wrote, does not carry it and is not believed.
// - forwarded (TRUSTED_PROXY_HOPS=N): x-forwarded-for read from the right past the N - 1 entries your own proxies
//   appended; entries further left were written by the client. Fewer entries than N means the request did not come
//   through your proxies: the socket's peer is used.
// - vercel (CLIENT_IP_SOURCE=vercel): x-vercel-forwarded-for, else x-real-ip, which Vercel's edge sets on every request,
//   overwriting the client's copies. Only true on Vercel.
//
// IPv6 clients are counted per /64: one host usually holds a whole /64 and could otherwise take a fresh address per try.

export const CLIENT_ADDRESS_HEADER = "x-anatomy-client-address";
export const UNKNOWN_CLIENT = "unknown";

type StampState = { secret: string; installed: boolean };
// Once per process: instrumentation.ts, proxy.ts and the app are separate bundles with separate module instances.
const state = processState("observability.clientAddress", (): StampState => ({ secret: randomBytes(18).toString("base64url"), installed: false }));

/** Writes the socket's peer on the request's headers, replacing any copy the client sent. */
export function stampClientAddress(request: Pick<IncomingMessage, "headers">, remoteAddress: string | undefined): void {
  request.headers[CLIENT_ADDRESS_HEADER] = `${state.secret} ${remoteAddress ?? UNKNOWN_CLIENT}`;
}

/** Server start (Node): stamp every request with its socket's peer. Idempotent. */
export function installClientAddressStamp(): void {
  if (state.installed) return;
  state.installed = true;
  subscribe("http.server.request.start", (message) => {
    const { request } = message as { request: IncomingMessage };
    stampClientAddress(request, request.socket?.remoteAddress);
  });
}

/** The peer stamped on these headers by this process, or undefined when the stamp is missing or not ours. */
function stampedPeer(headers: Headers): string | undefined {
  const value = headers.get(CLIENT_ADDRESS_HEADER);
  if (!value) return undefined;
  const space = value.indexOf(" ");
  return space > 0 && value.slice(0, space) === state.secret ? value.slice(space + 1) : undefined;
}

/** The client address of a request's headers, by the declared source; "unknown" when it cannot be told. */
export function resolveClientAddress(headers: Headers, source: ClientAddressSource | undefined): string {
  const peer = () => normalizeAddress(stampedPeer(headers));
  switch (source?.kind ?? "socket") {
    case "socket":
      return peer();
    case "forwarded": {
      const hops = source?.kind === "forwarded" ? source.hops : 1;
      const entries = (headers.get("x-forwarded-for") ?? "")
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      return entries.length >= hops ? normalizeAddress(entries[entries.length - hops]) : peer();
    }
    case "vercel": {
      const first = (headers.get("x-vercel-forwarded-for") ?? "").split(",")[0]?.trim();
      return normalizeAddress(first || headers.get("x-real-ip")?.trim());
    }
  }
}

/** An IP address as a rate-limit key: IPv4 as is (also when IPv4-mapped or with a port), IPv6 as its /64. */
export function normalizeAddress(value: string | undefined): string {
  if (!value) return UNKNOWN_CLIENT;
  let address = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address); // [v6]:port
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":")); // v4:port
  const zone = address.indexOf("%");
  if (zone > 0) address = address.slice(0, zone);
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return UNKNOWN_CLIENT;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head, tail] = address.toLowerCase().split("::") as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  let left = parse(head);
  let right = parse(tail);
  // An embedded IPv4 tail (::1.2.3.4 forms) counts as two groups.
  const lastRight = right.at(-1) ?? left.at(-1);
  if (lastRight?.includes(".")) {
    const [a, b, c, d] = lastRight.split(".").map(Number) as [number, number, number, number];
    const groups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    if (right.length) right = [...right.slice(0, -1), ...groups];
    else left = [...left.slice(0, -1), ...groups];
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => (g.replace(/^0+(?=.)/, "") || "0"));
}
