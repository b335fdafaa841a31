"use client";

import type { MemberOption } from "./create-task-form";

// The assignee filter's options, drawn from the same members array the task forms receive: the page's RSC payload
// carries the organization's members once, instead of once more as a thousand server-rendered <option> elements.
export function MemberOptions({ members }: { members: MemberOption[] }) {
  return members.map((m) => <option key={m.userId} value={m.userId}>{m.label}</option>);
}
