// The task statuses and their labels, apart from the zod schemas: client components (a task's status select) import
// these, and importing them from schemas.ts put zod (about 90 kB before compression) into the browser's bundle.
export const taskStatuses = ["todo", "in_progress", "done"] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const taskStatusLabels: Record<TaskStatus, string> = { todo: "To do", in_progress: "In progress", done: "Done" };
