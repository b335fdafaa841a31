import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
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
 * The client's address as the nearest proxy reports it (x-forwarded-for's first entry, as on Vercel and behind most
 * load balancers), for rate limits. Without a proxy that sets it, clients could pick their own: deploy behind one.
 */
export function clientIpFrom(h: Headers): string {
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || h.get("x-real-ip")?.trim() || "unknown";
}

/** clientIpFrom for the current request (server actions, pages). */
export async function getClientIp(): Promise<string> {
  try {
    return clientIpFrom(await headers());
  } catch {
    return "unknown";
  }
}
