import { getEnv } from "@/lib/env";
import { appConfig } from "@/lib/app-config";
import type { EmailMessage } from "@/lib/email/send-email";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The HTML of every email: a title, paragraphs (escaped here), one button and a footer with the link spelled out. */
export function emailLayout(title: string, paragraphs: string[], action: { label: string; url: string }, footer: string): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(p)}</p>`).join("");
  return `<!doctype html><html><body style="margin:0;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#18181b">
<div style="max-width:520px;margin:32px auto;background:#fff;border-radius:12px;padding:32px;border:1px solid #e4e4e7">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>${body}
<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#4f46e5;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>
<p style="margin:0;font-size:13px;color:#71717a;line-height:1.5">${escapeHtml(footer)}<br>${escapeHtml(action.url)}</p>
</div></body></html>`;
}

/** An absolute link into the app. */
export function appLink(path: string): string {
  return new URL(path, getEnv().APP_URL).toString();
}

export function verifyEmailMessage(to: string, name: string | null, token: string): EmailMessage {
  const url = appLink(`/verify-email?token=${token}`);
  const greeting = `Hi ${name ?? "there"},`;
  return {
    to,
    subject: `Verify your email for ${appConfig.name}`,
    text: `${greeting}\n\nConfirm your email address by opening this link (valid for 24 hours):\n${url}\n`,
    html: emailLayout("Verify your email", [greeting, "Confirm your email address to finish setting up your account."],
      { label: "Verify email", url }, "The link is valid for 24 hours. If you did not sign up, ignore this email."),
  };
}

export function resetPasswordMessage(to: string, token: string): EmailMessage {
  const url = appLink(`/reset-password?token=${token}`);
  return {
    to,
    subject: `Reset your ${appConfig.name} password`,
    text: `Someone asked to reset the password for this address.\n\nChoose a new password here (valid for 1 hour):\n${url}\n\nIf it was not you, ignore this email.`,
    html: emailLayout("Reset your password", ["Someone asked to reset the password for this address."],
      { label: "Choose a new password", url }, "The link is valid for 1 hour and works once. If it was not you, ignore this email."),
  };
}

export function invitationMessage(to: string, orgName: string, inviterName: string, role: string, token: string): EmailMessage {
  const url = appLink(`/invite/${token}`);
  return {
    to,
    subject: `${inviterName} invited you to ${orgName} on ${appConfig.name}`,
    text: `${inviterName} invited you to join ${orgName} as ${role}.\n\nAccept the invitation (valid for 7 days):\n${url}\n`,
    html: emailLayout(`Join ${orgName}`, [`${inviterName} invited you to join ${orgName} as ${role}.`],
      { label: "Accept invitation", url }, "The invitation is valid for 7 days and works once."),
  };
}

export function reportReadyMessage(to: string, orgName: string, orgSlug: string, kind: string, rows: number): EmailMessage {
  const url = appLink(`/${orgSlug}/data`);
  const what = `The ${kind} report of ${orgName} (${rows} rows)`;
  return {
    to,
    subject: `Your ${kind} report for ${orgName} is ready`,
    text: `${what} is ready to download for 7 days:\n${url}\n`,
    html: emailLayout("Your report is ready", [`${what} is ready to download.`], { label: "Download the report", url }, "The file is kept for 7 days."),
  };
}

export function taskAssignedMessage(to: string, actorName: string, title: string, projectName: string, path: string): EmailMessage {
  const url = appLink(path);
  return {
    to,
    subject: `${actorName} assigned you “${title}”`,
    text: `${actorName} assigned you the task “${title}” in ${projectName}:\n${url}\n`,
    html: emailLayout("A task for you", [`${actorName} assigned you the task “${title}” in ${projectName}.`], { label: "Open the project", url }, "You get this email when someone assigns you a task."),
  };
}
