"use client";

import { useState } from "react";
import { ActionForm, SelectField, SubmitButton, TextField } from "@/components/action-form";
import { Button, buttonClasses } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { formatDate } from "@/lib/format";
import { taskStatusLabels, taskStatuses, type TaskStatus } from "@/lib/projects/task-status";
import { updateTaskAction } from "../../actions";
import { rowStatusField } from "../../task-list-form";
import { memberOptionsOf, type MemberList } from "./member-list";
import type { TaskListActions } from "./task-list";
import { TaskStatusBadge } from "./task-status-badge";
import Link from "next/link";

export type TaskRowData = {
  id: string;
  title: string;
  status: TaskStatus;
  // Left out when empty, not null: the page's RSC payload carries every row's fields by name.
  dueOn?: string;
  assigneeId?: string;
  assigneeLabel?: string;
};

/** One task of the list; `actions` is null on an archived project (nothing can change). */
export function TaskRow({ task, orgId, href, members, actions }: { task: TaskRowData; orgId: string; href: string; members: MemberList; actions: TaskListActions | null }) {
  const [editing, setEditing] = useState(false);

  if (editing) {
    return (
      <li className="bg-zinc-50 px-5 py-4">
        <ActionForm action={updateTaskAction} showSuccess={false} onSuccess={() => setEditing(false)} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_11rem_10rem_auto] lg:items-end">
          <input type="hidden" name="orgId" value={orgId} />
          <input type="hidden" name="taskId" value={task.id} />
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

  const busy = actions?.busy.has(task.id) ?? false;
  return (
    <li className="task-row" aria-label={task.title}>
      <div className="task-body">
        <p className={task.status === "done" ? "task-title-done" : "task-title"}><Link href={href}>{task.title}</Link></p>
        <p className="task-meta">
          <TaskStatusBadge status={task.status} />
          <span>{task.assigneeLabel ?? "Unassigned"}</span>
          {task.dueOn ? (
            <>
              <span aria-hidden>·</span>
              <span>due <time dateTime={task.dueOn}>{formatDate(task.dueOn)}</time></span>
            </>
          ) : null}
        </p>
      </div>
      {actions ? (
        <div className="task-actions">
          <Select
            key={actions.statusResetKey}
            form={actions.statusFormId}
            name={rowStatusField(task.id)}
            defaultValue={task.status}
            compact
            className="task-status"
            aria-label={`Status of ${task.title}`}
            aria-busy={busy || undefined}
            onChange={(event) => actions.setStatus(task.id, event.currentTarget.value as TaskStatus)}
          >
            {taskStatuses.map((s) => <option key={s} value={s}>{taskStatusLabels[s]}</option>)}
          </Select>
          {/* Without JavaScript a change of the select submits nothing: a button does it. */}
          <noscript>
            <button type="submit" form={actions.statusFormId} name="taskId" value={task.id} aria-label={`Save the new status for ${task.title}`} className={buttonClasses("secondary", "sm")}>Save</button>
          </noscript>
          {/* The editor opens in place, which needs JavaScript: without it the button would do nothing. */}
          <Button variant="secondary" size="sm" className="noscript:hidden" onClick={() => setEditing(true)} aria-label={`Edit ${task.title}`}>Edit</Button>
          {actions.deleteFormId ? (
            <Button
              type="submit"
              form={actions.deleteFormId}
              name="taskId"
              value={task.id}
              variant="danger-ghost"
              size="sm"
              disabled={busy}
              aria-busy={busy || undefined}
              aria-label={`Delete ${task.title}`}
              onClick={(event) => { if (!window.confirm(`Delete “${task.title}”?`)) event.preventDefault(); }}
            >
              Delete
            </Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
