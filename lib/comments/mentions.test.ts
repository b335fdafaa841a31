import { describe, expect, it } from "vitest";
import { mentionedUserIds, splitMentions, type Mentionable } from "@/lib/comments/mentions";

const ada: Mentionable = { userId: "ada", name: "Ada Lovelace", email: "ada@example.com" };
const adam: Mentionable = { userId: "adam", name: "Adam", email: "adam@example.com" };
const ad: Mentionable = { userId: "ad", name: "Ad", email: "ad@example.org" };
const nameless: Mentionable = { userId: "nameless", name: null, email: "grace@example.com" };
const people = [ada, adam, ad, nameless];

describe("mentions", () => {
  it.each([
    ["by name", "Thanks @Ada Lovelace!", ["ada"]],
    ["by name in another case", "cc @ada lovelace", ["ada"]],
    ["by email", "@ada@example.com can you look?", ["ada"]],
    ["by email when there is no name", "ping @grace@example.com.", ["nameless"]],
    ["the longest name that fits", "@Adam, and @Ad too", ["adam", "ad"]],
    ["at the start, in brackets and after a line break", "@Ad\n(@Adam)", ["ad", "adam"]],
    ["each person once, in order of first mention", "@Adam @Ada Lovelace @Adam", ["adam", "ada"]],
  ])("finds mentions %s", (_name, body, expected) => {
    expect(mentionedUserIds(body, people)).toEqual(expected);
  });

  it.each([
    ["a name that goes on", "@Adamant"],
    ["an address in the text", "write to ada@example.com"],
    ["someone who is not a member", "@Linus"],
    ["an @ alone", "@ and @@"],
  ])("finds none in %s", (_name, body) => {
    expect(mentionedUserIds(body, people)).toEqual([]);
  });

  it("cuts the body into text and mentions, keeping every character", () => {
    const body = "Hi @Adam, see @grace@example.com's note <b>";
    const parts = splitMentions(body, people);
    expect(parts).toEqual([
      { text: "Hi " },
      { text: "@Adam", mention: { userId: "adam" } },
      { text: ", see " },
      { text: "@grace@example.com", mention: { userId: "nameless" } },
      { text: "'s note <b>" },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(body);
  });
});
