"use server";

import { createProject, renameProject, setProjectArchived } from "@/lib/projects/projects";
import { createTask, deleteTask, updateTask } from "@/lib/projects/tasks";
import { revalidateOrgPages, runAction } from "@/lib/server-action";
import { oneTaskOf } from "./task-list-form";
import { taskPath } from "./task-path";

// Thin by design: the services validate the input, authorize the user for the org in it, and record activity.
// Each action names the pages its change shows on (never a path from the form), revalidated once the service succeeded.

export async function createProjectAction(_: unknown, form: FormData) {
  return runAction("createProject", form, async (user, input) => {
    const project = await createProject({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["dashboard", "projects"]);
    return project;
  }, "Project created.");
}

export async function renameProjectAction(_: unknown, form: FormData) {
  return runAction("renameProject", form, async (user, input) => {
    await renameProject({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["projects", { project: input.projectId }]);
  }, "Project renamed.");
}

export async function archiveProjectAction(_: unknown, form: FormData) {
  return runAction("archiveProject", form, async (user, input) => {
    await setProjectArchived({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["dashboard", "projects", { project: input.projectId }]);
  });
}

export async function createTaskAction(_: unknown, form: FormData) {
  return runAction("createTask", form, async (user, input) => {
    const task = await createTask({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["dashboard", { project: task.projectId }]);
    return task;
  }, "Task added.");
}

export async function updateTaskAction(_: unknown, form: FormData) {
  return runAction("updateTask", oneTaskOf(form), async (user, input) => {
    const task = await updateTask({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["dashboard", { project: task.projectId }, { path: taskPath(task) }]);
  }, "Saved.");
}

export async function deleteTaskAction(_: unknown, form: FormData) {
  return runAction("deleteTask", form, async (user, input) => {
    const task = await deleteTask({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["dashboard", { project: task.projectId }]);
  });
}
