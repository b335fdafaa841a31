"use client";

import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import { signUpAction } from "../actions";

export function SignUpForm({ callbackUrl, email }: { callbackUrl?: string; email?: string }) {
  return (
    <ActionForm action={signUpAction} className="mt-6 space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      <TextField label="Your name" name="name" autoComplete="name" required />
      <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={email} required />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" hint="At least 8 characters." required />
      <SubmitButton className="w-full" pendingText="Creating your account…">Create account</SubmitButton>
      <p className="text-xs text-zinc-500">We will email you a link to verify your address.</p>
    </ActionForm>
  );
}
