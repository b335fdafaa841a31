"use client";

import Link from "next/link";
import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import { signInAction } from "../actions";

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  return (
    <ActionForm action={signInAction} className="mt-6 space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      <TextField label="Email" name="email" type="email" autoComplete="email" required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <div className="flex justify-end">
        <Link href="/forgot-password" className="text-sm font-medium text-indigo-600 hover:underline">Forgot your password?</Link>
      </div>
      <SubmitButton className="w-full" pendingText="Signing in…">Sign in</SubmitButton>
    </ActionForm>
  );
}
