import { describe, expect, it } from "vitest";
import { clientIpFrom } from "@/lib/observability/request-context";

describe("clientIpFrom (the address rate limits key on)", () => {
  const headers = (xff?: string, realIp?: string) => {
    const h = new Headers();
    if (xff !== undefined) h.set("x-forwarded-for", xff);
    if (realIp) h.set("x-real-ip", realIp);
    return h;
  };

  it("takes the entry the trusted proxy added, not what the client put in front of it", () => {
    expect(clientIpFrom(headers("203.0.113.9"), 1)).toBe("203.0.113.9");
    // A client sent "1.2.3.4" itself; the load balancer appended the address it saw.
    expect(clientIpFrom(headers("1.2.3.4, 198.51.100.7"), 1)).toBe("198.51.100.7");
    // Two proxies of ours (CDN, then load balancer): the CDN's view is second from the right.
    expect(clientIpFrom(headers("1.2.3.4, 198.51.100.7, 10.0.0.2"), 2)).toBe("198.51.100.7");
  });

  it("falls back to x-real-ip, then to a shared bucket", () => {
    expect(clientIpFrom(headers(undefined, "192.0.2.1"), 1)).toBe("192.0.2.1");
    expect(clientIpFrom(headers(""), 1)).toBe("unknown");
    expect(clientIpFrom(headers("9.9.9.9"), 3)).toBe("9.9.9.9");
  });
});
