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
