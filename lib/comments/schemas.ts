import { z } from "zod";
import { multilineText } from "@/lib/plain-text";

const id = z.uuid({ error: "Invalid id." });
export const COMMENT_MAX_LENGTH = 5000;
const body = multilineText({ error: "Write a comment." })
  .pipe(z.string().trim().min(1, "Write a comment.").max(COMMENT_MAX_LENGTH, `Use at most ${COMMENT_MAX_LENGTH} characters.`));

export const createCommentInput = z.object({ orgId: id, taskId: id, body });
export const updateCommentInput = z.object({ orgId: id, commentId: id, body });
export const deleteCommentInput = z.object({ orgId: id, commentId: id });
export const commentListInput = z.object({ cursor: z.string().max(200).optional() });
