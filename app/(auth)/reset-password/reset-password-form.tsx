"use client";

import { TextField } from "@/components/action-form";
import { resetPasswordAction } from "../actions";
import { TokenForm } from "../token-form";

export function ResetPasswordForm({ token }: { token: string }) {
  return (
    <TokenForm action={resetPasswordAction} token={token} label="Set new password" pendingText="Saving…">
      <TextField label="New password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters." required />
    </TokenForm>
  );
}
