import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ActivityItem } from "@/lib/activity/list-activity";
import { ActivityList } from "./activity-list";

// What a reader sees for invitation events, with the address (managers) and without it (members: the services drop it).

const item = (type: string, data: Record<string, unknown>): ActivityItem => ({
  id: crypto.randomUUID(),
  type,
  subjectType: "invitation",
  subjectId: crypto.randomUUID(),
  data,
  createdAt: new Date("2026-11-30T12:00:00Z"),
  actorName: "Adam Admin",
  actorEmail: "adam@example.test",
});

const render = (items: ActivityItem[]) => renderToStaticMarkup(createElement(ActivityList, { items })).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("ActivityList", () => {
  it("names the invited address for a manager's feed", () => {
    const text = render([item("invitation.created", { email: "new@example.test", role: "admin" }), item("invitation.revoked", { email: "old@example.test" })]);
    expect(text).toContain("Adam Admin invited new@example.test as admin");
    expect(text).toContain("Adam Admin withdrew the invitation for old@example.test");
  });

  it("reads naturally for a member's feed, where the address was left out", () => {
    const text = render([item("invitation.created", { role: "member" }), item("invitation.revoked", {})]);
    expect(text).toContain("Adam Admin invited someone as member");
    expect(text).toContain("Adam Admin withdrew an invitation");
    expect(text).not.toContain("@example.test as");
  });
});
