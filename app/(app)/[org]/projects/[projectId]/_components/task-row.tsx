"use client";

import { useRef, useState } from "react";
import { ActionForm, SelectField, SubmitButton, TextField } from "@/components/action-form";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { taskStatusLabels, taskStatuses, type TaskStatus } from "@/lib/projects/task-status";
import { deleteTaskAction, updateTaskAction } from "../../actions";
import { memberOptionsOf, type MemberList } from "./member-list";

export type TaskRowData = {
  id: string;
  title: string;
  status: TaskStatus;
  dueOn: string | null;
  assigneeId: string | null;
  assigneeLabel: string | null;
};

const statusTone = { todo: "gray", in_progress: "indigo", done: "green" } as const;

// Due dates are calendar dates ("2026-11-28"); shown like the other dates in the app ("28 Nov 2026"), in UTC so server
// and browser render the same text.
const dueFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
function formatDue(dueOn: string): string {
  const date = new Date(`${dueOn}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? dueOn : dueFormat.format(date);
}

export function TaskRow({ task, orgId, members, canDelete, readOnly = false }: { task: TaskRowData; orgId: string; members: MemberList; canDelete: boolean; readOnly?: boolean }) {
  const [editing, setEditing] = useState(false);
  const statusForm = useRef<HTMLFormElement>(null);
  const hidden = (
    <>
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="taskId" value={task.id} />
    </>
  );

  if (editing) {
    return (
      <li className="bg-zinc-50 px-5 py-4">
        <ActionForm action={updateTaskAction} showSuccess={false} onSuccess={() => setEditing(false)} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_11rem_10rem_auto] lg:items-end">
          {hidden}
          <TextField label="Title" name="title" defaultValue={task.title} required autoFocus />
          <SelectField label="Assignee" name="assigneeId" defaultValue={task.assigneeId ?? ""}>
            <option value="">Unassigned</option>
            {memberOptionsOf(members).map((m) => <option key={m.userId} value={m.userId}>{m.label}</option>)}
          </SelectField>
          <TextField label="Due date" name="dueOn" type="date" defaultValue={task.dueOn ?? ""} />
          <div className="flex gap-2">
            <SubmitButton pendingText="Saving…">Save</SubmitButton>
            <Button variant="ghost" onClick={() => setEditing(false)}>Cancel</Button>
          </div>
        </ActionForm>
      </li>
    );
  }

  return (
    <li className="task-row" aria-label={task.title}>
      <div className="min-w-0 wrap-anywhere">
        <p className={task.status === "done" ? "task-title-done" : "task-title"}>{task.title}</p>
        <p className="task-meta">
          <Badge tone={statusTone[task.status]}>{taskStatusLabels[task.status]}</Badge>
          <span>{task.assigneeLabel ?? "Unassigned"}</span>
          {task.dueOn ? (
            <>
              <span aria-hidden>·</span>
              <span>due <time dateTime={task.dueOn}>{formatDue(task.dueOn)}</time></span>
            </>
          ) : null}
        </p>
      </div>
      {readOnly ? null : (
      <div className="task-actions">
        <ActionForm action={updateTaskAction} ref={statusForm} showSuccess={false} className="task-status">
          {hidden}
          <label className="sr-only" htmlFor={`status-${task.id}`}>Status of {task.title}</label>
          <Select
            id={`status-${task.id}`}
            name="status"
            defaultValue={task.status}
            compact
            className="w-40 sm:w-36"
            onChange={() => statusForm.current?.requestSubmit()}
          >
            {taskStatuses.map((s) => <option key={s} value={s}>{taskStatusLabels[s]}</option>)}
          </Select>
            {/* Without JavaScript a change of the select submits nothing: a button does it. */}
            <noscript>
              <button type="submit" aria-label={`Save the new status for ${task.title}`} className={buttonClasses("secondary", "sm")}>Save</button>
            </noscript>
        </ActionForm>
        {/* The editor opens in place, which needs JavaScript: without it the button would do nothing. */}
        <Button variant="secondary" size="sm" className="noscript:hidden" onClick={() => setEditing(true)} aria-label={`Edit ${task.title}`}>Edit</Button>
        {canDelete ? (
          <ActionForm action={deleteTaskAction} showSuccess={false} onSubmitCapture={(e) => { if (!window.confirm(`Delete “${task.title}”?`)) e.preventDefault(); }}>
            {hidden}
            <SubmitButton variant="danger-ghost" size="sm" aria-label={`Delete ${task.title}`}>Delete</SubmitButton>
          </ActionForm>
        ) : null}
      </div>
      )}
    </li>
  );
}
