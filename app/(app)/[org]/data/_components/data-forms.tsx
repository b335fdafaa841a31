"use client";

import { ActionForm, SelectField, SubmitButton, TextField } from "@/components/action-form";
import { importTasksAction, requestReportAction } from "../actions";

export function ImportTasksForm({ orgId, path, projects, maxKb }: { orgId: string; path: string; projects: { id: string; name: string }[]; maxKb: number }) {
  return (
    <ActionForm action={importTasksAction} resetOnSuccess className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="path" value={path} />
      <SelectField label="Into project" name="projectId" defaultValue={projects[0]?.id ?? ""} required>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>{p.name}</option>
        ))}
      </SelectField>
      <TextField label="CSV file" name="file" type="file" accept=".csv,text/csv" required hint={`Up to ${maxKb} KB.`} className="file:mr-3" />
      <SubmitButton pendingText="Uploading…" disabled={projects.length === 0}>Import tasks</SubmitButton>
    </ActionForm>
  );
}

export function RequestReportForm({ orgId, path }: { orgId: string; path: string }) {
  return (
    <ActionForm action={requestReportAction} className="flex flex-wrap gap-2">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="path" value={path} />
      <SubmitButton name="kind" value="tasks" variant="secondary" pendingText="Requesting…">Export tasks (CSV)</SubmitButton>
      <SubmitButton name="kind" value="activity" variant="secondary" pendingText="Requesting…">Export activity (CSV)</SubmitButton>
    </ActionForm>
  );
}
