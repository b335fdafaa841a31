"use client";

import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import { createProjectAction } from "../actions";

export function CreateProjectForm({ orgId }: { orgId: string }) {
  return (
    <ActionForm action={createProjectAction} resetOnSuccess showSuccess={false} className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-start">
      <input type="hidden" name="orgId" value={orgId} />
      <TextField label="New project name" name="name" placeholder="Website relaunch" className="flex-1" srOnlyLabel required />
      <SubmitButton pendingText="Creating…">Create project</SubmitButton>
    </ActionForm>
  );
}
