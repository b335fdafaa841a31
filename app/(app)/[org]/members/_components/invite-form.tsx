"use client";

import { ActionForm, SelectField, SubmitButton, TextField } from "@/components/action-form";
import { roleLabels, type Role } from "@/lib/orgs/permissions";
import { createInvitationAction, revokeInvitationAction } from "../actions";

export function InviteForm({ orgId, roles }: { orgId: string; roles: Role[] }) {
  return (
    <ActionForm action={createInvitationAction} resetOnSuccess className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end">
      <input type="hidden" name="orgId" value={orgId} />
      <TextField label="Email address" name="email" type="email" placeholder="teammate@example.com" required />
      <SelectField label="Role" name="role" defaultValue="member">
        {roles.map((r) => <option key={r} value={r}>{roleLabels[r]}</option>)}
      </SelectField>
      <SubmitButton pendingText="Sending…">Send invitation</SubmitButton>
    </ActionForm>
  );
}

export function RevokeInvitationButton({ orgId, invitationId, email }: { orgId: string; invitationId: string; email: string }) {
  return (
    <ActionForm action={revokeInvitationAction} showSuccess={false}>
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="invitationId" value={invitationId} />
      <SubmitButton variant="danger-ghost" size="sm" className="-ml-3 sm:ml-0" aria-label={`Withdraw invitation for ${email}`}>
        Withdraw
      </SubmitButton>
    </ActionForm>
  );
}
