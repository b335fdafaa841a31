// @mentions in a comment: `@` and a member's name or email address, as the comment form's hint says ("@Ada Lovelace",
// "@ada@example.com"), matched without regard to case. The longest match wins ("@Ada Lovelace" over "@Ada"), and a
// mention ends where a name could not go on: "@Ada, can you…" and "(@Ada)" mention Ada, "@Adam" does not. A name two
// members share is ambiguous: it mentions nobody, and the service refuses the comment, asking for an email address.
// Resolved on the server when the comment is written, and cut into parts for rendering there too.

export type Mentionable = { userId: string; name: string | null; email: string };

export type Mention = { start: number; end: number; text: string } & ({ userId: string } | { ambiguous: true });

const continuesName = /[\p{L}\p{N}_]/u;
const precedesMention = /[\p{L}\p{N}_.@+-]/u;
const fold = (text: string) => text.toLowerCase();

type Candidate = { text: string; userIds: Set<string> };

/**
 * Each distinct name and email of `people` by its case-folded text, and the lengths they come in, longest first. A
 * mention is then a lookup per length at each @: a body full of @s costs (@s × distinct lengths), not (@s × people).
 */
function candidatesOf(people: readonly Mentionable[]) {
  const byText = new Map<string, Candidate>();
  for (const person of people) {
    for (const raw of [person.name?.trim(), person.email]) {
      if (!raw) continue;
      const key = fold(raw);
      const candidate = byText.get(key) ?? { text: raw, userIds: new Set<string>() };
      candidate.userIds.add(person.userId);
      byText.set(key, candidate);
    }
  }
  const lengths = [...new Set([...byText.values()].map((c) => c.text.length))].sort((a, b) => b - a);
  return { byText, lengths };
}

/** Every mention in `body`, in order, of the given people (each candidate is their name and their email). */
export function scanMentions(body: string, people: readonly Mentionable[]): Mention[] {
  if (!body.includes("@") || people.length === 0) return [];
  const { byText, lengths } = candidatesOf(people);
  const found: Mention[] = [];
  for (let at = body.indexOf("@"); at !== -1; at = body.indexOf("@", at + 1)) {
    // An address in the text ("mail ada@example.com") is not a mention: an @ right after a word character is skipped.
    if (at > 0 && precedesMention.test(body[at - 1]!)) continue;
    let match: Candidate | undefined;
    for (const length of lengths) {
      const end = at + 1 + length;
      if (end > body.length || continuesName.test(body[end] ?? "")) continue;
      match = byText.get(fold(body.slice(at + 1, end)));
      if (match) break;
    }
    if (!match) continue;
    const end = at + 1 + match.text.length;
    const text = body.slice(at, end);
    found.push(match.userIds.size === 1 ? { start: at, end, text, userId: [...match.userIds][0]! } : { start: at, end, text, ambiguous: true });
    at = end - 1;
  }
  return found;
}

/** The distinct people `body` mentions, in the order of their first mention, and the mentions that were ambiguous. */
export function resolveMentions(body: string, people: readonly Mentionable[]): { userIds: string[]; ambiguous: string[] } {
  const mentions = scanMentions(body, people);
  return {
    userIds: [...new Set(mentions.flatMap((m) => ("userId" in m ? [m.userId] : [])))],
    ambiguous: [...new Set(mentions.flatMap((m) => ("ambiguous" in m ? [m.text] : [])))],
  };
}

export type BodyPart = { text: string; mention?: true };

/** `body` cut into text and mentions of `people`, for rendering (each part is text: React escapes it). */
export function splitMentions(body: string, people: readonly Mentionable[]): BodyPart[] {
  const parts: BodyPart[] = [];
  let from = 0;
  for (const m of scanMentions(body, people)) {
    if (!("userId" in m)) continue;
    if (m.start > from) parts.push({ text: body.slice(from, m.start) });
    parts.push({ text: m.text, mention: true });
    from = m.end;
  }
  if (from < body.length) parts.push({ text: body.slice(from) });
  return parts;
}
