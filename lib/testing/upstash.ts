import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { getEnv } from "@/lib/env";
import { startBridge } from "../../scripts/upstash-bridge";

export type TestUpstash = { url: string; token: string; close: () => Promise<void> };

/**
 * An Upstash endpoint backed by a real Redis for tests: the one the environment names (CI runs the suite through the
 * bridge .ci/run starts), or else an in-process bridge to 127.0.0.1:6379. Null, with the reason printed, when neither
 * answers: zero-setup machines may have no Redis; the CI run always sets UPSTASH_REDIS_REST_URL, so it never skips.
 */
export async function openTestUpstash(label: string): Promise<TestUpstash | null> {
  const env = getEnv();
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, close: async () => {} };
  }
  const token = randomUUID();
  let bridge: Awaited<ReturnType<typeof startBridge>> | undefined;
  try {
    bridge = await startBridge({ token, port: 0 });
    await new Redis({ url: bridge.url, token, retry: { retries: 0 }, enableTelemetry: false }).ping();
    return { url: bridge.url, token, close: () => bridge!.close() };
  } catch (error) {
    await bridge?.close().catch(() => {});
    console.warn(
      `[${label}] skipping the Upstash-adapter variant: no UPSTASH_REDIS_REST_URL and no Redis at 127.0.0.1:6379 ` +
        `(${error instanceof Error ? error.message : String(error)}). The memory-adapter variant ran.`,
    );
    return null;
  }
}
