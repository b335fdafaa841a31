"use server";

import { createComment, deleteComment, updateComment, type CommentChange } from "@/lib/comments/comments";
import { revalidateOrgPages, runAction } from "@/lib/server-action";
import { taskPath } from "../projects/task-path";

// Thin by design: the services validate the input, authorize the user for the org in it, and record activity.
// Each action re-renders the task the comment is on and the dashboard (which counts comments).

const pagesOf = (c: CommentChange) => ["dashboard" as const, { path: taskPath({ id: c.taskId, projectId: c.projectId }) }];

export async function createCommentAction(_: unknown, form: FormData) {
  return runAction("createComment", form, async (user, input) => {
    const comment = await createComment({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, pagesOf(comment));
    return { id: comment.id };
  }, "Comment posted.");
}

export async function updateCommentAction(_: unknown, form: FormData) {
  return runAction("updateComment", form, async (user, input) => {
    const comment = await updateComment({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, pagesOf(comment));
  }, "Comment saved.");
}

export async function deleteCommentAction(_: unknown, form: FormData) {
  return runAction("deleteComment", form, async (user, input) => {
    const comment = await deleteComment({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, pagesOf(comment));
  });
}
