"use client";

import { memberOptionsOf, type MemberList } from "./member-list";

// The assignee filter's options, drawn from the same member list the task forms receive: the page's RSC payload
// carries the organization's members once, instead of once more as a thousand server-rendered <option> elements.
export function MemberOptions({ members }: { members: MemberList }) {
  return memberOptionsOf(members).map((m) => <option key={m.userId} value={m.userId}>{m.label}</option>);
}
