import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";

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
