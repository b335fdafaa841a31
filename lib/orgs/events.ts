import { z } from "zod";
import { defineEvent } from "@/lib/jobs/define-event";

// The events lib/orgs sends through the outbox; their functions are in lib/inngest/functions.

export const invitationCreated = defineEvent("orgs/invitation.created", z.object({ invitationId: z.uuid(), orgId: z.uuid(), sealedToken: z.string() }));
