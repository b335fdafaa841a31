"use client";

import { useState } from "react";
import { ActionForm, SubmitButton, TextAreaField } from "@/components/action-form";
import { Button } from "@/components/ui/button";
import type { BodyPart } from "@/lib/comments/mentions";
import { formatDateTime } from "@/lib/format";
import { deleteCommentAction, updateCommentAction } from "../actions";
import { mentionHint } from "./comment-form";
import "./comments.css";

export type CommentViewData = {
  id: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  authorLabel: string | null;
  /** The body cut into text and mentions on the server (mentions.ts splitMentions): the browser does not scan it. */
  parts: BodyPart[];
};

/** One comment: its author edits it in place (needs JavaScript); its author or a manager deletes it (a plain form). */
export function CommentView({ orgId, comment, canEdit, canDelete }: { orgId: string; comment: CommentViewData; canEdit: boolean; canDelete: boolean }) {
  const [editing, setEditing] = useState(false);
  const author = comment.authorLabel ?? "A former member";

  return (
    <li className="comment" aria-label={`Comment by ${author}`}>
      <p className="comment-meta">
        <span className="comment-author">{author}</span>
        <time dateTime={comment.createdAt.toISOString()}>{formatDateTime(comment.createdAt)}</time>
        {comment.editedAt ? <span title={`Edited ${formatDateTime(comment.editedAt)}`}>(edited)</span> : null}
      </p>
      {editing ? (
        <ActionForm action={updateCommentAction} showSuccess={false} onSuccess={() => setEditing(false)} className="mt-2 space-y-3">
          <input type="hidden" name="orgId" value={orgId} />
          <input type="hidden" name="commentId" value={comment.id} />
          <TextAreaField label="Edit your comment" srOnlyLabel name="body" rows={3} required maxLength={5000} defaultValue={comment.body} autoFocus hint={mentionHint} />
          <div className="flex gap-2">
            <SubmitButton size="sm" pendingText="Saving…">Save</SubmitButton>
            <Button variant="ghost" size="sm" onClick={() => setEditing(false)}>Cancel</Button>
          </div>
        </ActionForm>
      ) : (
        <p className="comment-body">
          {comment.parts.map((part, i) =>
            part.mention ? <mark key={i} className="mention">{part.text}</mark> : part.text,
          )}
        </p>
      )}
      {!editing && (canEdit || canDelete) ? (
        <div className="comment-actions">
          {canEdit ? (
            // The editor opens in place, which needs JavaScript: without it the button would do nothing.
            <Button variant="ghost" size="sm" className="noscript:hidden" onClick={() => setEditing(true)} aria-label={`Edit the comment by ${author}`}>Edit</Button>
          ) : null}
          {canDelete ? (
            <ActionForm
              action={deleteCommentAction}
              showSuccess={false}
              onSubmitCapture={(event) => { if (!window.confirm("Delete this comment?")) event.preventDefault(); }}
            >
              <input type="hidden" name="orgId" value={orgId} />
              <input type="hidden" name="commentId" value={comment.id} />
              <SubmitButton variant="danger-ghost" size="sm" pendingText="Deleting…" aria-label={`Delete the comment by ${author}`}>Delete</SubmitButton>
            </ActionForm>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
