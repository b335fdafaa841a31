"use client";

import type { ReactNode } from "react";
import { ActionForm, SubmitButton } from "@/components/action-form";
import type { ActionState } from "@/lib/server-action";

/** A one-button form that posts an emailed token: the link itself never changes anything (mail scanners open links). */
export function TokenForm({
  action,
  token,
  label,
  pendingText,
  children,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  token: string;
  label: string;
  pendingText: string;
  children?: ReactNode;
}) {
  return (
    <ActionForm action={action} className="mt-6 space-y-4">
      <input type="hidden" name="token" value={token} />
      {children}
      <SubmitButton className="w-full" pendingText={pendingText}>{label}</SubmitButton>
    </ActionForm>
  );
}
