/** A task's page under its org: `/<org>${taskPath(task)}`. */
export function taskPath(task: { id: string; projectId: string }): string {
  return `/projects/${task.projectId}/tasks/${task.id}`;
}
