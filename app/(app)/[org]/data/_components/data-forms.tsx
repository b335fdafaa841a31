"use client";

import { ActionForm, SelectField, SubmitButton, TextField } from "@/components/action-form";
import { importTasksAction, requestReportAction } from "../actions";

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

export function ImportTasksForm({ orgId, projects, maxBytes }: { orgId: string; projects: { id: string; name: string }[]; maxBytes: number }) {
  return (
    <ActionForm action={importTasksAction} resetOnSuccess className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
      <input type="hidden" name="orgId" value={orgId} />
      <SelectField label="Into project" name="projectId" defaultValue={projects[0]?.id ?? ""} required>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>{p.name}</option>
        ))}
      </SelectField>
      <TextField
        label="CSV file"
        name="file"
        type="file"
        accept=".csv,text/csv"
        required
        hint={`Up to ${size(maxBytes)}.`}
        inputClassName="text-sm file:mr-3 file:rounded-md file:border-0 file:bg-zinc-100 file:px-3 file:py-1 file:text-sm file:font-medium file:text-zinc-800 hover:file:bg-zinc-200"
      />
      {/* Lines the button up with the inputs (below their labels) on wide screens. */}
      <div className="sm:pt-6">
        <SubmitButton pendingText="Uploading…" disabled={projects.length === 0} className="w-full sm:w-auto">Import tasks</SubmitButton>
      </div>
    </ActionForm>
  );
}

export function RequestReportForm({ orgId }: { orgId: string }) {
  return (
    <ActionForm action={requestReportAction} className="grid gap-2 sm:flex sm:flex-wrap">
      <input type="hidden" name="orgId" value={orgId} />
      <SubmitButton name="kind" value="tasks" variant="secondary" pendingText="Requesting…">Export tasks (CSV)</SubmitButton>
      <SubmitButton name="kind" value="activity" variant="secondary" pendingText="Requesting…">Export activity (CSV)</SubmitButton>
    </ActionForm>
  );
}
