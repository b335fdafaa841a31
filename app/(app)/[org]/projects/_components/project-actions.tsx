"use client";

import { useState } from "react";
import { ActionForm, SubmitButton, TextField } from "@/components/action-form";
import { Button } from "@/components/ui/button";
import { archiveProjectAction, renameProjectAction } from "../actions";

/** Rename and archive/restore controls, shown to roles that may use them. */
export function ProjectActions({ orgId, projectId, name, archived }: { orgId: string; projectId: string; name: string; archived: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const hidden = (
    <>
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="projectId" value={projectId} />
    </>
  );
  if (renaming) {
    return (
      <ActionForm action={renameProjectAction} showSuccess={false} onSuccess={() => setRenaming(false)} className="flex flex-wrap items-start gap-2">
        {hidden}
        <TextField label="Project name" name="name" defaultValue={name} srOnlyLabel autoFocus required className="w-full sm:w-56" />
        <SubmitButton size="md" pendingText="Saving…">Save</SubmitButton>
        <Button variant="ghost" onClick={() => setRenaming(false)}>Cancel</Button>
      </ActionForm>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 sm:shrink-0">
      {!archived ? <Button variant="secondary" size="sm" onClick={() => setRenaming(true)}>Rename</Button> : null}
      <ActionForm action={archiveProjectAction} showSuccess={false}>
        {hidden}
        <input type="hidden" name="archived" value={archived ? "false" : "true"} />
        <SubmitButton variant="secondary" size="sm" pendingText="…">{archived ? "Restore" : "Archive"}</SubmitButton>
      </ActionForm>
    </div>
  );
}
