import "server-only";
import { createTransport, type Transporter } from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport";
import { mailMessages } from "@/db/schema";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isDevMailboxEnabled } from "@/lib/email/dev-mailbox";
import { logger } from "@/lib/observability/logger";

const log = logger.child({ module: "email" });

export type EmailMessage = { to: string; subject: string; text: string; html: string };

let smtp: Transporter | undefined;

/**
 * Sends through SMTP when SMTP_URL is set; in embedded mode without SMTP the message lands in the dev mailbox.
 * Throws when it cannot deliver, so the caller decides whether that fails the request.
 */
export async function sendEmail(message: EmailMessage): Promise<void> {
  const env = getEnv();
  if (env.SMTP_URL) {
    const timeout = env.SMTP_TIMEOUT_MS;
    // The transport itself, not createTransport({ url, ... }): given a url, createTransport drops every other option.
    smtp ??= createTransport(new SMTPTransport({ url: env.SMTP_URL, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout }));
    await smtp.sendMail({ from: env.EMAIL_FROM, ...message });
    log.info({ to: message.to, subject: message.subject }, "email sent");
    return;
  }
  if (!isDevMailboxEnabled()) {
    throw new Error("No email transport configured: set SMTP_URL (or ANATOMY_DEV_MAILBOX=1 for an embedded demo on this machine).");
  }
  await getDb().insert(mailMessages).values(message);
  log.info({ to: message.to, subject: message.subject }, "email stored in dev mailbox (/dev/mailbox)");
}
