import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isTimestampText } from "@/lib/projects/cursor";
import { listProjects } from "@/lib/projects/projects";
import { listTasks } from "@/lib/projects/tasks";
import { createOrgWithRoles, createProjectFor, createTaskFor } from "@/lib/testing/factories";

// A cursor is user input (it sits in the page's URL): whatever it holds, the list answers invalid_input, which the pages
// show as "That page link is not valid.", and never lets Postgres fail the cast (a 500).

const impossible = [
  "2026-19-99 99:99:99+00", // passes a shape-only regex
  "2026-13-01 00:00:00+00",
  "2026-00-10 00:00:00+00",
  "2026-02-29 12:00:00+00", // not a leap year
  "2100-02-29 12:00:00+00", // nor is 2100
  "2026-04-31 12:00:00+00",
  "2026-11-00 12:00:00+00",
  "2026-11-30 24:00:00+00",
  "2026-11-30 23:60:00+00",
  "2026-11-30 23:59:60+00", // a leap second: Postgres takes it, never prints it
  "0000-01-01 00:00:00+00",
  "2026-11-30 12:00:00+16",
  "2026-11-30 12:00:00+05:60",
  "2026-11-30T12:00:00Z",
  "2026-11-30 12:00:00.1234567+00",
  "2026-11-30 12:00:00+00'; drop table tasks; --",
];

describe("isTimestampText", () => {
  it.each(impossible)("refuses %j", (text) => expect(isTimestampText(text)).toBe(false));

  it.each(["2026-11-30 16:22:28.123456+00", "2024-02-29 00:00:00+00", "2000-02-29 23:59:59-05", "2026-12-31 23:59:59.5+05:30", "0001-01-01 00:00:00+00"])(
    "accepts %j",
    (text) => expect(isTimestampText(text)).toBe(true),
  );
});

describe("decodeCursor", () => {
  it("round-trips what encodeCursor wrote", () => {
    const id = randomUUID();
    expect(decodeCursor(encodeCursor("2026-11-30 16:22:28.123456+00", id))).toEqual({ createdAt: "2026-11-30 16:22:28.123456+00", id });
  });

  it.each([
    ["an impossible date", encodeCursor("2026-19-99 99:99:99+00", randomUUID())],
    ["a bad uuid", encodeCursor("2026-11-30 16:22:28+00", "not-a-uuid")],
    ["an extra part", encodeCursor("2026-11-30 16:22:28+00", `${randomUUID()}|x`)],
    ["garbage", "bm9wZQ"],
    ["empty", ""],
  ])("refuses %s with invalid_input", (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: "invalid_input", message: "That page link is not valid." }));
  });
});

describe("lists given an impossible cursor", () => {
  it.each(impossible)("answer invalid_input, not a database error, for %j", async (createdAt) => {
    const { org, owner } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    await createTaskFor(org.id, project.id, owner.id);
    const cursor = encodeCursor(createdAt, randomUUID());
    const actor = { userId: owner.id };
    await expect(listTasks({ actor, orgId: org.id, projectId: project.id, filters: { cursor } })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(listProjects({ actor, orgId: org.id, cursor })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
