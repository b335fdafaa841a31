"use client";

import { ActionForm, SelectField, SubmitButton, TextField } from "@/components/action-form";
import { taskStatusLabels, taskStatuses } from "@/lib/projects/task-status";
import { createTaskAction } from "../../actions";
import { memberOptionsOf, type MemberList } from "./member-list";

export type MemberOption = { userId: string; label: string };

export function CreateTaskForm({ orgId, projectId, members }: { orgId: string; projectId: string; members: MemberList }) {
  return (
    <ActionForm action={createTaskAction} resetOnSuccess showSuccess={false} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_9rem_11rem_10rem_auto] lg:items-end">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="projectId" value={projectId} />
      <TextField label="Task title" name="title" placeholder="What needs doing?" required className="sm:col-span-2 lg:col-span-1" />
      <SelectField label="Status" name="status" defaultValue="todo">
        {taskStatuses.map((s) => <option key={s} value={s}>{taskStatusLabels[s]}</option>)}
      </SelectField>
      <SelectField label="Assignee" name="assigneeId" defaultValue="">
        <option value="">Unassigned</option>
        {memberOptionsOf(members).map((m) => <option key={m.userId} value={m.userId}>{m.label}</option>)}
      </SelectField>
      <TextField label="Due date" name="dueOn" type="date" />
      <SubmitButton pendingText="Adding…" className="sm:col-span-2 lg:col-span-1">Add task</SubmitButton>
    </ActionForm>
  );
}
