import { appConfig } from "@/lib/app-config";
import type { EmailMessage } from "@/lib/email/send-email";
import { appLink, emailLayout } from "@/lib/email/templates";

const EXCERPT_LENGTH = 300;

/** "Ada mentioned you on “Launch”", with the start of the comment and a link to the task. */
export function commentMentionMessage(to: string, actorName: string, taskTitle: string, body: string, path: string): EmailMessage {
  const url = appLink(path);
  const excerpt = body.length > EXCERPT_LENGTH ? `${body.slice(0, EXCERPT_LENGTH).trimEnd()}…` : body;
  return {
    to,
    subject: `${actorName} mentioned you on “${taskTitle}”`,
    text: `${actorName} mentioned you in a comment on the task “${taskTitle}”:\n\n${excerpt}\n\n${url}\n`,
    html: emailLayout(`${actorName} mentioned you`, [`In a comment on the task “${taskTitle}”:`, excerpt], { label: "Open the task", url },
      `You get this email when someone mentions you in a comment on ${appConfig.name}.`),
  };
}
