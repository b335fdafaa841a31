"use client";

import { useActionState, useId, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import type { TaskStatus } from "@/lib/projects/task-status";
import type { ActionState } from "@/lib/server-action";
import { deleteTaskAction, updateTaskAction } from "../../actions";
import type { MemberList } from "./member-list";
import { TaskRow, type TaskRowData } from "./task-row";

export type TaskListActions = {
  statusFormId: string;
  deleteFormId: string;
  /** The task whose change is on its way (its controls wait for it). */
  busyTaskId: string | null;
  setStatus: (taskId: string, status: TaskStatus) => void;
};

/**
 * The page of tasks with one status form and one delete form for all rows: each row's select and Delete button
 * belong to them through the `form` attribute. A form per row put React's four progressive-enhancement inputs and the
 * ids into every row (half of a row's HTML). Before hydration or without JavaScript the forms post as they are: the
 * pressed button names the task (`taskId`), and the status action picks that row's select (../../task-list-form.ts).
 */
export function TaskList({ tasks, orgId, members, canDelete, readOnly }: { tasks: TaskRowData[]; orgId: string; members: MemberList; canDelete: boolean; readOnly: boolean }) {
  const statusFormId = useId();
  const deleteFormId = useId();
  const [statusState, dispatchStatus, statusPending] = useActionState<ActionState<unknown>, FormData>(updateTaskAction, null);
  const [deleteState, dispatchDelete, deletePending] = useActionState<ActionState<unknown>, FormData>(deleteTaskAction, null);
  const [, startTransition] = useTransition();
  const [busy, setBusy] = useState<string | null>(null);

  const send = (dispatch: (data: FormData) => void, data: FormData) => {
    setBusy(String(data.get("taskId")));
    startTransition(() => dispatch(data));
  };
  const actions: TaskListActions = {
    statusFormId,
    deleteFormId,
    busyTaskId: statusPending || deletePending ? busy : null,
    setStatus: (taskId, status) => {
      const data = new FormData();
      data.set("orgId", orgId);
      data.set("taskId", taskId);
      data.set("status", status);
      send(dispatchStatus, data);
    },
  };
  // Hydrated: the delete form is sent by React (no page load), with the pressed button's task.
  const onDelete = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(dispatchDelete, new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter));
  };
  const failed = [statusState, deleteState].find((state) => state && !state.ok);

  return (
    <>
      {readOnly ? null : (
        <>
          <form id={statusFormId} action={dispatchStatus} noValidate>
            <input type="hidden" name="orgId" value={orgId} />
          </form>
          <form id={deleteFormId} action={dispatchDelete} onSubmit={onDelete} noValidate>
            <input type="hidden" name="orgId" value={orgId} />
          </form>
        </>
      )}
      {failed && !failed.ok ? <Alert tone="error" className="m-4">{failed.error}</Alert> : null}
      <ul className="divide-y divide-zinc-100" aria-label="Tasks">
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} orgId={orgId} members={members} canDelete={canDelete} actions={readOnly ? null : actions} />
        ))}
      </ul>
    </>
  );
}
