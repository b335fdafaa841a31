import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { getEnv, type ClientAddressSource } from "@/lib/env";
import { resolveClientAddress, UNKNOWN_CLIENT } from "@/lib/observability/client-address";
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
 * The client's address, for rate limits, from the source the operator declared (TRUSTED_PROXY_HOPS or
 * CLIENT_IP_SOURCE; lib/observability/client-address.ts explains each). Never a value the client can choose.
 */
export function clientIpFrom(h: Headers, source: ClientAddressSource | undefined = getEnv().clientAddressSource): string {
  return resolveClientAddress(h, source);
}

/** clientIpFrom for the current request (server actions, pages). */
export async function getClientIp(): Promise<string> {
  try {
    return clientIpFrom(await headers());
  } catch {
    return UNKNOWN_CLIENT;
  }
}
