import { z } from "zod";

// Names and titles end up in mail subjects and bodies, CSV exports, logs and other people's screens. Characters that
// are not text there are refused, not stripped, so what is stored is what the user saw:
// - C0 controls (U+0000-U+001F: NUL, tab, CR, LF, ESC…), DEL and C1 controls (U+007F-U+009F): header injection in
//   a mail subject, split log or CSV lines, terminal escapes;
// - U+2028/U+2029, which some clients render as line breaks;
// - bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder what a reader sees
//   ("Trojan Source"), e.g. a name that displays as another one. Plain RTL text and the LRM/RLM marks stay allowed.
const notPlainText = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export const notPlainTextMessage = "Remove line breaks, tabs and control or text-direction characters.";

export function isPlainText(value: string): boolean {
  return !notPlainText.test(value);
}

/**
 * A string schema for free text shown to others (names, titles): `plainText({ error }).trim().min(1)…`. The check runs
 * on the value as submitted (before trim) and stops there, so the field gets this one message.
 */
export function plainText(params?: { error?: string }) {
  return z.string(params).refine(isPlainText, { error: notPlainTextMessage, abort: true });
}

// Multi-line text (a comment): line breaks allowed, every other character refused above still refused.
const notMultilineText = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export const notMultilineTextMessage = "Remove tabs and control or text-direction characters.";

/**
 * A string schema for free text of several lines shown to others (a comment). A form sends its line breaks as CRLF:
 * they are stored as LF. The check runs after that and stops there, like plainText's.
 */
export function multilineText(params?: { error?: string }) {
  return z
    .string(params)
    .transform((value) => value.replace(/\r\n?/g, "\n"))
    .refine((value) => !notMultilineText.test(value), { error: notMultilineTextMessage, abort: true });
}
