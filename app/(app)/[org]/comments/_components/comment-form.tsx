"use client";

import { ActionForm, SubmitButton, TextAreaField } from "@/components/action-form";
import { createCommentAction } from "../actions";

export const mentionHint = "Mention a member with @ and their name or email: they get an email.";

/** Posting a comment: a plain form, so it works before hydration and without JavaScript. */
export function CommentForm({ orgId, taskId }: { orgId: string; taskId: string }) {
  return (
    <ActionForm action={createCommentAction} resetOnSuccess showSuccess={false} className="space-y-3" aria-label="New comment">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="taskId" value={taskId} />
      <TextAreaField label="Add a comment" name="body" rows={3} required maxLength={5000} hint={mentionHint} />
      <SubmitButton pendingText="Posting…">Comment</SubmitButton>
    </ActionForm>
  );
}
