// The activity types: no list here. Each module declares the types it records, in its own activity.ts, by adding them
// to this interface (TypeScript's declaration merging: `declare module "@/lib/activity/activity-types"`), with a text
// for each; app/(app)/[org]/_components/activity-list.tsx merges the texts, and its type check fails when one is
// missing. A module removed takes its types and texts along.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface ActivityTypes {}

/** `org.created`, `task.updated`, … : every type some module declared. */
export type ActivityType = keyof ActivityTypes & string;

/** How a type reads after the actor's name ("Ada" + "created the task “Launch”"), from the event's data. */
export type ActivityText = (data: Record<string, unknown>) => string;

const numberFormat = new Intl.NumberFormat("en-GB");

/** Data fields as text, safely: the texts render what the event stored, whatever it was. */
export const field = {
  text: (value: unknown): string => (typeof value === "string" ? value : ""),
  count: (value: unknown): string => numberFormat.format(Number(value ?? 0)),
};
