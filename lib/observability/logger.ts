import pino from "pino";
import { getEnv } from "@/lib/env";

// One logger for the whole app; modules take a child (`logger.child({ module: "auth" })`).
// Redaction is configured once, here: whatever the call site passes, these never reach the output.
export const redactPaths = [
  "password",
  "*.password",
  "currentPassword",
  "*.currentPassword",
  "newPassword",
  "*.newPassword",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "cookie",
  "*.cookie",
];

function createLogger() {
  const env = getEnv();
  return pino({
    level: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : env.isProduction ? "info" : "debug"),
    base: { service: "anatomy" },
    redact: { paths: redactPaths, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export const logger = createLogger();
