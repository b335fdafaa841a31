import { getEnv, isDevMailboxAllowed, type Env } from "@/lib/env";

// No `server-only`: proxy.ts asks it whether /dev/mailbox is a public path.

/**
 * Whether mail is kept in the dev mailbox (/dev/mailbox) instead of being sent: without SMTP, in development and
 * tests, or in a production build run embedded on this machine that asks for it (isDevMailboxAllowed: the page is
 * readable by anyone who reaches the server).
 */
export function isDevMailboxEnabled(env: Env = getEnv()): boolean {
  return !env.SMTP_URL && isDevMailboxAllowed(env);
}
