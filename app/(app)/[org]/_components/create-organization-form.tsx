"use client";

import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import { createOrganizationAction } from "../../actions";

export function CreateOrganizationForm() {
  return (
    <ActionForm action={createOrganizationAction} className="mt-6 space-y-4">
      <TextField label="Organization name" name="name" placeholder="Acme Inc." required />
      <SubmitButton className="w-full" pendingText="Creating…">Create organization</SubmitButton>
    </ActionForm>
  );
}
