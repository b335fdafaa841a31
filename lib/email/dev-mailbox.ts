import { getEnv, type Env } from "@/lib/env";

// No `server-only`: proxy.ts asks it whether /dev/mailbox is a public path.

/**
 * Whether mail is kept in the dev mailbox (/dev/mailbox) instead of being sent: without SMTP, in development and
 * tests, or in a production build only when ANATOMY_DEV_MAILBOX=1 asks for it (the page is readable by anyone).
 */
export function isDevMailboxEnabled(env: Env = getEnv()): boolean {
  return !env.SMTP_URL && (!env.isProduction || (env.ANATOMY_EMBEDDED && env.ANATOMY_DEV_MAILBOX));
}
