import { z } from "zod";
import { defineEvent } from "@/lib/jobs/define-event";

// The events lib/auth sends through the outbox; their functions are in lib/inngest/functions.

export const verificationEmailRequested = defineEvent(
  "auth/verification-email.requested",
  z.object({ userId: z.uuid(), sealedToken: z.string(), welcome: z.boolean() }),
);

export const passwordResetRequested = defineEvent("auth/password-reset.requested", z.object({ userId: z.uuid(), sealedToken: z.string() }));

// Someone asked for a reset link for this address (sealed: it may be anyone's); the job finds out whether it has an
// account, so the request does the same work either way (lib/auth/submit-password-reset.ts).
export const passwordResetSubmitted = defineEvent("auth/password-reset.submitted", z.object({ sealedEmail: z.string() }));
