"use client";

import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import {
  changePasswordAction,
  deleteOrganizationAction,
  signOutEverywhereAction,
  updateOrganizationAction,
  updateProfileAction,
} from "../actions";

export function ProfileForm({ name, email }: { name: string; email: string }) {
  return (
    <ActionForm action={updateProfileAction} className="space-y-4">
      <TextField label="Name" name="name" defaultValue={name} autoComplete="name" required />
      <TextField label="Email" name="email-display" defaultValue={email} disabled hint="Your sign-in address." />
      <SubmitButton pendingText="Saving…">Save profile</SubmitButton>
    </ActionForm>
  );
}

export function PasswordForm({ path }: { path: string }) {
  return (
    <ActionForm action={changePasswordAction} resetOnSuccess className="space-y-4">
      <input type="hidden" name="path" value={path} />
      <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required />
      <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" hint="At least 8 characters." required />
      <SubmitButton pendingText="Saving…">Change password</SubmitButton>
    </ActionForm>
  );
}

export function SignOutEverywhereForm() {
  return (
    <ActionForm action={signOutEverywhereAction} className="space-y-4">
      <SubmitButton variant="secondary" pendingText="Signing out…">Sign out of all devices</SubmitButton>
    </ActionForm>
  );
}

export function OrganizationForm({ orgId, name, slug }: { orgId: string; name: string; slug: string }) {
  return (
    <ActionForm action={updateOrganizationAction} className="space-y-4">
      <input type="hidden" name="orgId" value={orgId} />
      <TextField label="Organization name" name="name" defaultValue={name} required />
      <TextField label="URL name" name="slug" defaultValue={slug} hint="Lowercase letters, digits and hyphens. Changing it changes your links." required />
      <SubmitButton pendingText="Saving…">Save organization</SubmitButton>
    </ActionForm>
  );
}

export function DeleteOrganizationForm({ orgId }: { orgId: string }) {
  return (
    <ActionForm action={deleteOrganizationAction} className="space-y-4">
      <input type="hidden" name="orgId" value={orgId} />
      <TextField
        label="Your password"
        name="password"
        type="password"
        autoComplete="current-password"
        hint="To confirm it is you."
        required
      />
      <SubmitButton variant="danger" pendingText="Deleting…">Delete organization</SubmitButton>
    </ActionForm>
  );
}
