import { eventType, type EventType } from "inngest";
import type { z } from "zod";

// How a module declares the events it sends: a name and the zod schema of its data, in the module's own events.ts
// (lib/auth/events.ts, lib/orgs/events.ts, lib/projects/events.ts). Job functions (lib/inngest/functions) trigger on
// these objects, never on strings, and services enqueue them through the outbox (lib/jobs/outbox.ts), which validates
// the data against the same schema. Secrets (link tokens) travel sealed (lib/seal.ts).

export function defineEvent<const TName extends string, TSchema extends z.ZodObject>(name: TName, schema: TSchema) {
  // The cast only bridges the generic: eventType checks input = output (no transforms), which these plain objects meet.
  const trigger = eventType(name, { schema: schema as never }) as unknown as EventType<TName, TSchema>;
  return { name, schema, trigger };
}

export type EventData<E> = E extends { schema: z.ZodType<infer D> } ? D : never;
