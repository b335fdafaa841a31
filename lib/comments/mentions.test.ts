import { describe, expect, it } from "vitest";
import { resolveMentions, splitMentions, type Mentionable } from "@/lib/comments/mentions";

const mentionedUserIds = (body: string, people: Mentionable[]) => resolveMentions(body, people).userIds;

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

  it("a name two members share is ambiguous: nobody is mentioned by it, their emails still mention each", () => {
    const sam1: Mentionable = { userId: "sam1", name: "Sam", email: "sam.one@example.com" };
    const sam2: Mentionable = { userId: "sam2", name: "sam", email: "sam.two@example.com" };
    expect(resolveMentions("@Sam and @sam.two@example.com", [sam1, sam2, ada])).toEqual({ userIds: ["sam2"], ambiguous: ["@Sam"] });
    expect(splitMentions("@Sam hi", [sam1, sam2])).toEqual([{ text: "@Sam hi" }]);
  });

  it("finds the one mention among 2,500 bare @s in an org of 1,000 members, the longest of the names that fit", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ userId: `u${i}`, name: `Member Number ${i}`, email: `member${i}@example.com` }));
    expect(mentionedUserIds(`${"@ ".repeat(2500)}@Member Number 999`, many)).toEqual(["u999"]);
    expect(mentionedUserIds("@member number 99, @Member Number 9.", many)).toEqual(["u99", "u9"]);
  });

  it("cuts the body into text and mentions, keeping every character", () => {
    const body = "Hi @Adam, see @grace@example.com's note <b>";
    const parts = splitMentions(body, people);
    expect(parts).toEqual([
      { text: "Hi " },
      { text: "@Adam", mention: true },
      { text: ", see " },
      { text: "@grace@example.com", mention: true },
      { text: "'s note <b>" },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(body);
  });
});
