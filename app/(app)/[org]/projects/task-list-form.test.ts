import { describe, expect, it } from "vitest";
import { oneTaskOf, rowStatusField } from "./task-list-form";

// What the browser posts from the task list without JavaScript: every row's select under its task's name, and the
// pressed Save button's task id.
function listPost(rows: Record<string, string>, pressed: string) {
  const form = new FormData();
  form.set("$ACTION_KEY", "k1");
  form.set("orgId", "org-1");
  for (const [taskId, status] of Object.entries(rows)) form.set(rowStatusField(taskId), status);
  form.set("taskId", pressed);
  return form;
}

describe("the task list's shared status form", () => {
  it("keeps the pressed row's status only, and the other fields", () => {
    const one = oneTaskOf(listPost({ a: "todo", b: "done", c: "in_progress" }, "b")) as FormData;
    expect(Object.fromEntries(one)).toEqual({ $ACTION_KEY: "k1", orgId: "org-1", taskId: "b", status: "done" });
  });

  it("sends no status when the pressed row has no select (the service refuses a change of nothing)", () => {
    const one = oneTaskOf(listPost({ a: "todo" }, "z")) as FormData;
    expect(one.has("status")).toBe(false);
    expect([...one.keys()].some((key) => key.startsWith("status:"))).toBe(false);
  });

  it("leaves a one-task form (the list's own submission, the row editor) and anything that is not a form as they are", () => {
    const form = new FormData();
    form.set("taskId", "a");
    form.set("status", "done");
    expect(oneTaskOf(form)).toBe(form);
    expect(oneTaskOf("not a form")).toBe("not a form");
    expect(oneTaskOf(undefined)).toBeUndefined();
  });
});
