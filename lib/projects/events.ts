import { z } from "zod";
import { defineEvent } from "@/lib/jobs/define-event";

// The events lib/projects sends through the outbox; their functions are in lib/inngest/functions.

export const taskAssigned = defineEvent(
  "projects/task.assigned",
  z.object({ taskId: z.uuid(), orgId: z.uuid(), assigneeId: z.uuid(), actorId: z.uuid() }),
);
