import { eventType, type EventType } from "inngest";
import { z } from "zod";

// Every event the app sends, declared once: its name and the zod schema of its data. Functions trigger on these
// objects (never on strings) and services enqueue them through the outbox (lib/jobs/outbox.ts), which validates the
// data against the same schema. Secrets (link tokens) travel sealed (lib/seal.ts).

function defineEvent<const TName extends string, TSchema extends z.ZodObject>(name: TName, schema: TSchema) {
  // The cast only bridges the generic: eventType checks input = output (no transforms), which these plain objects meet.
  const trigger = eventType(name, { schema: schema as never }) as unknown as EventType<TName, TSchema>;
  return { name, schema, trigger };
}

export type EventData<E> = E extends { schema: z.ZodType<infer D> } ? D : never;

const id = z.uuid();

export const verificationEmailRequested = defineEvent(
  "auth/verification-email.requested",
  z.object({ userId: id, sealedToken: z.string(), welcome: z.boolean() }),
);

export const passwordResetRequested = defineEvent("auth/password-reset.requested", z.object({ userId: id, sealedToken: z.string() }));

// Someone asked for a reset link for this address (sealed: it may be anyone's); the job finds out whether it has an
// account, so the request does the same work either way (lib/auth/submit-password-reset.ts).
export const passwordResetSubmitted = defineEvent("auth/password-reset.submitted", z.object({ sealedEmail: z.string() }));

export const invitationCreated = defineEvent("orgs/invitation.created", z.object({ invitationId: id, orgId: id, sealedToken: z.string() }));

export const taskAssigned = defineEvent("projects/task.assigned", z.object({ taskId: id, orgId: id, assigneeId: id, actorId: id }));

export const taskImportRequested = defineEvent("projects/task-import.requested", z.object({ importId: id, orgId: id }));

export const reportRequested = defineEvent("projects/report.requested", z.object({ reportId: id, orgId: id }));
