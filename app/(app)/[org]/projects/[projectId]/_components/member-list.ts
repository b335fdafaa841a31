import type { MemberOption } from "./create-task-form";

/**
 * The organization's members as assignee options, as one JSON string in one object. The page passes the same object
 * to every form of the list, so the RSC payload carries it once (React dedupes an object by identity), and the server
 * sends a string it cached as is, instead of serializing a thousand objects on every render, a write's response
 * included. Parsed once per object on the client (and in the server render of the client components).
 */
export type MemberList = { json: string };

const parsed = new WeakMap<MemberList, MemberOption[]>();

export function memberOptionsOf(list: MemberList): MemberOption[] {
  let options = parsed.get(list);
  if (!options) {
    options = JSON.parse(list.json) as MemberOption[];
    parsed.set(list, options);
  }
  return options;
}
