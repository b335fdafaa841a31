import { z } from "zod";
import { defineEvent } from "@/lib/jobs/define-event";

// The events lib/data-transfers sends through the outbox; their functions are in lib/inngest/functions. The names
// keep their first module's prefix: events already queued (outbox rows, Inngest's history) carry them.

export const taskImportRequested = defineEvent("projects/task-import.requested", z.object({ importId: z.uuid(), orgId: z.uuid() }));

export const reportRequested = defineEvent("projects/report.requested", z.object({ reportId: z.uuid(), orgId: z.uuid() }));
