"use client";

import { ActionForm, SubmitButton } from "@/components/action-form";
import { resendVerificationAction } from "../../actions";

export function VerifyBanner({ email }: { email: string }) {
  return (
    <div className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 sm:px-6">
      <ActionForm action={resendVerificationAction} className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span>Please verify your email address ({email}). We sent you a link.</span>
        <SubmitButton variant="link" size="sm" pendingText="Sending…">Resend the link</SubmitButton>
      </ActionForm>
    </div>
  );
}
