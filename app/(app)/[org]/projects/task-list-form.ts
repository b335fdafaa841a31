// The task list's status selects share one form (the list's, see [projectId]/_components/task-list.tsx), so a row
// carries no form of its own. Without JavaScript the browser posts every row's select, each under its task's name,
// and the Save button that was pressed names the task; `oneTaskOf` turns that back into one task's fields before the
// service sees them. With JavaScript the list sends the one task's fields itself.

export const rowStatusField = (taskId: string) => `status:${taskId}`;

// Whatever else an action was sent (a caller React would not be) passes through for runAction to refuse.
export function oneTaskOf<T>(form: T): T | FormData {
  if (!(form instanceof FormData)) return form;
  const taskId = form.get("taskId");
  if (form.has("status") || typeof taskId !== "string") return form;
  const one = new FormData();
  for (const [key, value] of form) if (!key.startsWith("status:")) one.append(key, value);
  const status = form.get(rowStatusField(taskId));
  if (status !== null) one.set("status", status);
  return one;
}
