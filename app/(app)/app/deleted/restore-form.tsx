"use client";

import { ActionForm, SubmitButton } from "@/components/action-form";
import { restoreOrganizationAction } from "../../actions";

export function RestoreOrganizationForm({ orgId, name }: { orgId: string; name: string }) {
  return (
    <ActionForm action={restoreOrganizationAction} className="space-y-3">
      <input type="hidden" name="orgId" value={orgId} />
      <SubmitButton variant="secondary" pendingText="Restoring…" aria-label={`Undo the deletion of ${name}`}>
        Undo
      </SubmitButton>
    </ActionForm>
  );
}
