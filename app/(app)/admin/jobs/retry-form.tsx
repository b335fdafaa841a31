"use client";

import { ActionForm, SubmitButton } from "@/components/action-form";
import { retryDeadEventsAction } from "./actions";

/** Retry one dead-lettered event, or all of them (`eventId="all"`). */
export function RetryDeadEventsForm({ eventId, label }: { eventId: string; label: string }) {
  return (
    <ActionForm action={retryDeadEventsAction} showSuccess={false}>
      <input type="hidden" name="eventId" value={eventId} />
      <SubmitButton variant="secondary" size="sm" pendingText="Retrying…" aria-label={label}>
        {eventId === "all" ? "Retry all" : "Retry"}
      </SubmitButton>
    </ActionForm>
  );
}
