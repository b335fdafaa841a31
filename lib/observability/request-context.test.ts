import { randomInt } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryLimiter, checkRateLimit, setRateLimiterForTests } from "@/lib/cache/rate-limit";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import type { ClientAddressSource } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER, installClientAddressStamp, normalizeAddress, stampClientAddress } from "@/lib/observability/client-address";
import { clientIpFrom } from "@/lib/observability/request-context";

const socket: ClientAddressSource = { kind: "socket" };
const oneProxy: ClientAddressSource = { kind: "forwarded", hops: 1 };
const twoProxies: ClientAddressSource = { kind: "forwarded", hops: 2 };
const vercel: ClientAddressSource = { kind: "vercel" };

function randomAddress() {
  return `${randomInt(1, 224)}.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Headers as the app sees them: what the client sent, stamped with the socket's peer the way the server hook does. */
function seen(sent: Record<string, string>, peer?: string): Headers {
  const incoming: { headers: IncomingHttpHeaders } = { headers: { ...sent } };
  if (peer !== undefined) stampClientAddress(incoming, peer);
  return new Headers(incoming.headers as Record<string, string>);
}

describe("the client address (what per-address rate limits count)", () => {
  it("no proxy (TRUSTED_PROXY_HOPS=0): the socket's peer, whatever x-forwarded-for or a forged stamp says", () => {
    expect(clientIpFrom(seen({}, "203.0.113.9"), socket)).toBe("203.0.113.9");
    expect(clientIpFrom(seen({ "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" }, "203.0.113.9"), socket)).toBe("203.0.113.9");
    // A copy of our header the client wrote is replaced by the stamp...
    expect(clientIpFrom(seen({ [CLIENT_ADDRESS_HEADER]: "1.2.3.4" }, "203.0.113.9"), socket)).toBe("203.0.113.9");
    // ...and without the stamp (a request that beat the hook at start) it is not believed, whatever it looks like.
    expect(clientIpFrom(seen({ [CLIENT_ADDRESS_HEADER]: "1.2.3.4" }), socket)).toBe("unknown");
    expect(clientIpFrom(seen({ [CLIENT_ADDRESS_HEADER]: "guess 1.2.3.4" }), socket)).toBe("unknown");
    expect(clientIpFrom(seen({ "x-forwarded-for": "1.2.3.4" }), socket)).toBe("unknown");
  });

  it("behind N proxies (TRUSTED_PROXY_HOPS=N): x-forwarded-for from the right past N - 1 entries; client-written entries are ignored", () => {
    // The load balancer appended the peer it saw; the client wrote the rest.
    expect(clientIpFrom(seen({ "x-forwarded-for": "198.51.100.7" }, "10.0.0.2"), oneProxy)).toBe("198.51.100.7");
    expect(clientIpFrom(seen({ "x-forwarded-for": "1.2.3.4, 198.51.100.7" }, "10.0.0.2"), oneProxy)).toBe("198.51.100.7");
    expect(clientIpFrom(seen({ "x-forwarded-for": "1.2.3.4, 198.51.100.7, 10.0.0.3" }, "10.0.0.2"), twoProxies)).toBe("198.51.100.7");
    // Fewer entries than proxies: the request did not come through them, so the peer (the client itself) counts.
    expect(clientIpFrom(seen({ "x-forwarded-for": "9.9.9.9" }, "203.0.113.5"), twoProxies)).toBe("203.0.113.5");
    expect(clientIpFrom(seen({}, "203.0.113.5"), oneProxy)).toBe("203.0.113.5");
  });

  it("on Vercel (CLIENT_IP_SOURCE=vercel): the headers Vercel overwrites, never x-forwarded-for's client part", () => {
    expect(clientIpFrom(seen({ "x-vercel-forwarded-for": "198.51.100.7", "x-forwarded-for": "1.2.3.4" }), vercel)).toBe("198.51.100.7");
    expect(clientIpFrom(seen({ "x-real-ip": "198.51.100.8", "x-forwarded-for": "1.2.3.4" }), vercel)).toBe("198.51.100.8");
    expect(clientIpFrom(seen({ "x-forwarded-for": "1.2.3.4" }), vercel)).toBe("unknown");
  });

  it("keys IPv4 as is (mapped or with a port), IPv6 per /64, and anything else as unknown", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("203.0.113.9:51234")).toBe("203.0.113.9");
    expect(normalizeAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(normalizeAddress("[2001:db8:1:2::99]:443")).toBe("2001:db8:1:2::/64");
    expect(normalizeAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(normalizeAddress("::1")).toBe("0:0:0:0::/64");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(normalizeAddress("not-an-ip")).toBe("unknown");
    expect(normalizeAddress("")).toBe("unknown");
  });
});

describe("a spoofed x-forwarded-for cannot reset a limit", () => {
  afterEach(() => setRateLimiterForTests(undefined));

  // What reaches the app from one attacker who writes a fresh x-forwarded-for on every request, in each setup.
  const setups: [string, ClientAddressSource, (spoof: string) => Headers][] = [
    ["npm start, no proxy", socket, (spoof) => seen({ "x-forwarded-for": spoof }, "203.0.113.50")],
    ["one load balancer", oneProxy, (spoof) => seen({ "x-forwarded-for": `${spoof}, 203.0.113.50` }, "10.0.0.2")],
    ["two proxies", twoProxies, (spoof) => seen({ "x-forwarded-for": `${spoof}, 203.0.113.50, 10.0.0.3` }, "10.0.0.2")],
    ["Vercel", vercel, (spoof) => seen({ "x-forwarded-for": spoof, "x-vercel-forwarded-for": "203.0.113.50", "x-real-ip": "203.0.113.50" })],
  ];

  it.each(setups)("%s", async (_name, source, request) => {
    setRateLimiterForTests(createMemoryLimiter());
    const { limit } = rateLimitPolicies["sign-up"];
    const outcomes = [];
    for (let i = 0; i < limit + 5; i++) outcomes.push((await checkRateLimit("sign-up", clientIpFrom(request(randomAddress()), source))).success);
    expect(outcomes.filter(Boolean)).toHaveLength(limit);
    expect(outcomes.slice(limit).every((ok) => !ok)).toBe(true);
  });
});

describe("the server hook (Node's http.server.request.start channel)", () => {
  it("stamps each request with its socket's peer before the app reads it, over whatever the client sent", async () => {
    installClientAddressStamp();
    const server = createServer((req, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      res.end(clientIpFrom(headers, socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const answers = await Promise.all(
        [1, 2, 3].map(
          () =>
            new Promise<string>((resolve, reject) => {
              const req = httpRequest(
                { host: "127.0.0.1", port, headers: { "x-forwarded-for": randomAddress(), [CLIENT_ADDRESS_HEADER]: randomAddress() } },
                (res) => {
                  let body = "";
                  res.on("data", (chunk: Buffer) => (body += chunk.toString()));
                  res.on("end", () => resolve(body));
                },
              );
              req.on("error", reject);
              req.end();
            }),
        ),
      );
      expect(answers).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
