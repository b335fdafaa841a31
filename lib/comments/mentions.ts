// @mentions in a comment: `@` and a member's name or email address, as the comment form's hint says ("@Ada Lovelace",
// "@ada@example.com"), matched without regard to case. The longest match wins ("@Ada Lovelace" over "@Ada"), and a
// mention ends where a name could not go on: "@Ada, can you…" and "(@Ada)" mention Ada, "@Adam" does not.
// Resolved against the org's members when the comment is written; rendered from the same scan.

export type Mentionable = { userId: string; name: string | null; email: string };

export type Mention = { start: number; end: number; userId: string };

const continuesName = /[\p{L}\p{N}_]/u;
const precedesMention = /[\p{L}\p{N}_.@+-]/u;

/** Every mention in `body`, in order, of the given people (each candidate is their name and their email). */
export function scanMentions(body: string, people: readonly Mentionable[]): Mention[] {
  if (!body.includes("@") || people.length === 0) return [];
  const candidates = people
    .flatMap((p) => [p.name?.trim(), p.email].filter((c): c is string => Boolean(c)).map((text) => ({ text, userId: p.userId })))
    .sort((a, b) => b.text.length - a.text.length);
  // Same letters, any case ("@ada" is Ada), compared in place so positions stay those of `body`.
  const sameText = (at: number, text: string) =>
    body.slice(at, at + text.length).localeCompare(text, "en", { sensitivity: "accent" }) === 0;
  const found: Mention[] = [];
  for (let at = body.indexOf("@"); at !== -1; at = body.indexOf("@", at + 1)) {
    // An address in the text ("mail ada@example.com") is not a mention: an @ right after a word character is skipped.
    if (at > 0 && precedesMention.test(body[at - 1]!)) continue;
    const match = candidates.find((c) => sameText(at + 1, c.text) && !continuesName.test(body[at + 1 + c.text.length] ?? ""));
    if (!match) continue;
    const end = at + 1 + match.text.length;
    found.push({ start: at, end, userId: match.userId });
    at = end - 1;
  }
  return found;
}

/** The distinct people `body` mentions, in the order of their first mention. */
export function mentionedUserIds(body: string, people: readonly Mentionable[]): string[] {
  return [...new Set(scanMentions(body, people).map((m) => m.userId))];
}

export type BodyPart = { text: string; mention?: { userId: string } };

/** `body` cut into text and mentions of `people`, for rendering (each part is text: React escapes it). */
export function splitMentions(body: string, people: readonly Mentionable[]): BodyPart[] {
  const parts: BodyPart[] = [];
  let from = 0;
  for (const m of scanMentions(body, people)) {
    if (m.start > from) parts.push({ text: body.slice(from, m.start) });
    parts.push({ text: body.slice(m.start, m.end), mention: { userId: m.userId } });
    from = m.end;
  }
  if (from < body.length) parts.push({ text: body.slice(from) });
  return parts;
}
