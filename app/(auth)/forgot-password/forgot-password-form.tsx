"use client";

import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import { requestPasswordResetAction } from "../actions";

export function ForgotPasswordForm() {
  return (
    <ActionForm action={requestPasswordResetAction} className="mt-6 space-y-4">
      <TextField label="Email" name="email" type="email" autoComplete="email" required />
      <SubmitButton className="w-full" pendingText="Sending…">Email me a reset link</SubmitButton>
    </ActionForm>
  );
}
