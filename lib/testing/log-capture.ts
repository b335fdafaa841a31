import { Writable } from "node:stream";
import { createLogger } from "@/lib/observability/logger";

/** A logger configured as the app's (redaction, serializers) that keeps its lines, parsed, for a test to read. */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  logger.level = "info"; // tests run with LOG_LEVEL silent
  return { logger, lines };
}
