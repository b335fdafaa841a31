import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";

export const REQUEST_ID_HEADER = "x-request-id";

/** The id proxy.ts stamped on this request (or a fresh one outside a request). Shown to users on error pages. */
export async function getRequestId(): Promise<string> {
  try {
    const h = await headers();
    return h.get(REQUEST_ID_HEADER) ?? randomUUID();
  } catch {
    return randomUUID(); // Outside a request scope (scripts, tests).
  }
}

/** A logger whose every line carries this request's id (and the user/org when the caller knows them). */
export async function getRequestLogger(module: string, bindings: { userId?: string; orgId?: string } = {}) {
  return logger.child({ module, requestId: await getRequestId(), ...bindings });
}

/**
 * The client's address, for rate limits: x-forwarded-for read from the right, skipping TRUSTED_PROXY_HOPS - 1 entries
 * added by your own proxies (entries further left were sent by the client and can be anything). Without a proxy,
 * Next.js sets the header to the socket's address; with one hop (the default: Vercel, one load balancer) it is the
 * last entry.
 */
export function clientIpFrom(h: Headers, hops = getEnv().TRUSTED_PROXY_HOPS): string {
  const entries = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return entries[Math.max(0, entries.length - hops)] || h.get("x-real-ip")?.trim() || "unknown";
}

/** clientIpFrom for the current request (server actions, pages). */
export async function getClientIp(): Promise<string> {
  try {
    return clientIpFrom(await headers());
  } catch {
    return "unknown";
  }
}
