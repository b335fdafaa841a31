import { z } from "zod";
import { plainText } from "@/lib/plain-text";
import { taskStatuses } from "./task-status";

export { taskStatuses, taskStatusLabels, type TaskStatus } from "./task-status";

const id = z.uuid({ error: "Invalid id." });
const projectName = plainText({ error: "Enter a name." }).trim().min(1, "Enter a name.").max(80, "Use at most 80 characters.");
const title = plainText({ error: "Enter a title." }).trim().min(1, "Enter a title.").max(200, "Use at most 200 characters.");
// Forms send "" for "none".
const optionalId = z.union([z.literal("").transform(() => null), id, z.null()]).optional();
const dueOn = z
  .union([z.literal("").transform(() => null), z.iso.date({ error: "Use a date like 2026-12-31." }), z.null()])
  .optional();

export const createProjectInput = z.object({ orgId: id, name: projectName });
export const renameProjectInput = z.object({ orgId: id, projectId: id, name: projectName });
export const archiveProjectInput = z.object({
  orgId: id,
  projectId: id,
  archived: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
});

export const createTaskInput = z.object({
  orgId: id,
  projectId: id,
  title,
  status: z.enum(taskStatuses, { error: "Choose a status." }).default("todo"),
  assigneeId: optionalId,
  dueOn,
});
export type CreateTaskInput = z.infer<typeof createTaskInput>;

export const updateTaskInput = z.object({
  orgId: id,
  taskId: id,
  title: title.optional(),
  status: z.enum(taskStatuses, { error: "Choose a status." }).optional(),
  assigneeId: optionalId,
  dueOn,
});

export const deleteTaskInput = z.object({ orgId: id, taskId: id });

export const taskFiltersInput = z.object({
  status: z.enum(taskStatuses).optional().catch(undefined),
  assignee: z.union([id, z.literal("me"), z.literal("none")]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  cursor: z.string().max(200).optional(),
});
export type TaskFilters = z.infer<typeof taskFiltersInput>;
