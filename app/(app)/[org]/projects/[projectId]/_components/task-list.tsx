"use client";

import { useActionState, useId, useOptimistic, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import type { TaskStatus } from "@/lib/projects/task-status";
import { deleteTaskAction, updateTaskAction } from "../../actions";
import type { MemberList } from "./member-list";
import { TaskRow, type TaskRowData } from "./task-row";

export type TaskListActions = {
  statusFormId: string;
  /** Undefined when the user may not delete tasks. */
  deleteFormId?: string;
  /** The tasks whose changes are on their way (their controls wait for them). */
  busy: ReadonlySet<string>;
  /** Changes when a status change fails, so the rows' selects show the saved status again. */
  statusResetKey: number;
  setStatus: (taskId: string, status: TaskStatus) => void;
};

type Kind = "status" | "delete";

/**
 * The page of tasks with one status form and one delete form for all rows: each row's select and Delete button
 * belong to them through the `form` attribute. A form per row put React's four progressive-enhancement inputs and the
 * ids into every row (half of a row's HTML). Before hydration or without JavaScript the forms post as they are: the
 * pressed button names the task (`taskId`), and the status action picks that row's select (../../task-list-form.ts).
 */
export function TaskList({ tasks, orgId, basePath, members, canDelete, readOnly }: { tasks: TaskRowData[]; orgId: string; basePath: string; members: MemberList; canDelete: boolean; readOnly: boolean }) {
  const statusFormId = useId();
  const deleteFormId = useId();
  const [statusState, dispatchStatus] = useActionState(updateTaskAction, null);
  const [deleteState, dispatchDelete] = useActionState(deleteTaskAction, null);
  const [, startTransition] = useTransition();
  // Every task sent and not yet answered: cleared when the list's pending actions have all settled.
  const [busy, markBusy] = useOptimistic<ReadonlySet<string>, string>(new Set(), (ids, id) => new Set(ids).add(id));
  // Which result to show: the latest action's (without JavaScript only one ran, so whichever failed).
  const [latest, setLatest] = useState<Kind | null>(null);
  // A failed status change leaves the select on the refused value: a new key puts the saved one back.
  const [statusResetKey, setStatusResetKey] = useState(0);
  const [seenStatusState, setSeenStatusState] = useState(statusState);
  if (statusState !== seenStatusState) {
    setSeenStatusState(statusState);
    if (statusState && !statusState.ok) setStatusResetKey((n) => n + 1);
  }

  const send = (kind: Kind, data: FormData) => {
    setLatest(kind);
    startTransition(() => {
      markBusy(String(data.get("taskId")));
      (kind === "status" ? dispatchStatus : dispatchDelete)(data);
    });
  };
  const actions: TaskListActions = {
    statusFormId,
    deleteFormId: canDelete ? deleteFormId : undefined,
    busy,
    statusResetKey,
    setStatus: (taskId, status) => {
      const data = new FormData();
      data.set("orgId", orgId);
      data.set("taskId", taskId);
      data.set("status", status);
      send("status", data);
    },
  };
  // Hydrated: the delete form is sent by React (no page load), with the pressed button's task.
  const onDelete = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.name) data.set(submitter.name, submitter.value);
    send("delete", data);
  };

  const failed = (latest === "status" ? [statusState] : latest === "delete" ? [deleteState] : [statusState, deleteState]).find((state) => state && !state.ok);
  const failedTask = failed && !failed.ok ? tasks.find((task) => task.id === failed.values?.taskId) : undefined;

  return (
    <>
      {readOnly ? null : (
        <>
          <form id={statusFormId} action={dispatchStatus} noValidate>
            <input type="hidden" name="orgId" value={orgId} />
          </form>
          {canDelete ? (
            <form id={deleteFormId} action={dispatchDelete} onSubmit={onDelete} noValidate>
              <input type="hidden" name="orgId" value={orgId} />
            </form>
          ) : null}
        </>
      )}
      {failed && !failed.ok ? (
        <Alert tone="error" className="m-4">
          {failedTask ? `“${failedTask.title}”: ${failed.error}` : failed.error}
        </Alert>
      ) : null}
      <ul className="divide-y divide-zinc-100" aria-label="Tasks">
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} orgId={orgId} href={`${basePath}/tasks/${task.id}`} members={members} actions={readOnly ? null : actions} />
        ))}
      </ul>
    </>
  );
}
