import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { listTaskComments } from "@/lib/comments/comments";
import { splitMentions } from "@/lib/comments/mentions";
import { commentPermissions } from "@/lib/comments/permissions";
import { isAppError } from "@/lib/errors";
import { can, type Role } from "@/lib/orgs/permissions";
import { CommentForm } from "./comment-form";
import { CommentView } from "./comment-view";

/**
 * A task's comments, a section of the task's page (app/(app)/[org]/projects/[projectId]/tasks/[taskId]/page.tsx):
 * oldest first, 50 a page (`?comments=<cursor>` for the next), and the form to add one unless the task is read-only.
 */
export async function TaskComments({
  org,
  taskId,
  user,
  role,
  readOnly,
  path,
  cursor,
}: {
  org: { id: string; slug: string };
  taskId: string;
  user: { id: string };
  role: Role;
  readOnly: boolean;
  path: string;
  cursor: string | undefined;
}) {
  const page = await listTaskComments({ actor: { userId: user.id }, orgId: org.id, taskId, page: { cursor } }).catch((error) => {
    if (isAppError(error) && error.code === "invalid_input") return null;
    throw error;
  });
  const deleteAny = can(role, commentPermissions["comment:delete-any"]);
  return (
    <Card>
      <CardHeader title="Comments" description={readOnly ? "The project is archived: comments can be read, not added." : undefined} />
      {page === null ? (
        <Alert tone="error" className="m-4">That page link is not valid. <Link href={path} className="underline">Start from the first comment</Link>.</Alert>
      ) : page.items.length === 0 ? (
        <p className="px-5 pb-4 text-sm text-zinc-500">{cursor ? "No more comments." : "No comments yet."}</p>
      ) : (
        <ol className="divide-y divide-zinc-100 border-t border-zinc-100" aria-label="Comments">
          {page.items.map((c) => (
            <CommentView
              key={c.id}
              orgId={org.id}
              comment={{ id: c.id, body: c.body, createdAt: c.createdAt, editedAt: c.editedAt, authorLabel: c.author?.label ?? null, parts: splitMentions(c.body, c.mentioned) }}
              canEdit={!readOnly && c.author?.id === user.id}
              canDelete={!readOnly && (c.author?.id === user.id || deleteAny)}
            />
          ))}
        </ol>
      )}
      {cursor || page?.nextCursor ? (
        <div className="flex justify-between gap-3 border-t border-zinc-100 px-5 py-3">
          {cursor ? <Link href={path} className={buttonClasses("secondary", "sm")}>First comments</Link> : <span />}
          {page?.nextCursor ? (
            <Link href={`${path}?${new URLSearchParams({ comments: page.nextCursor })}`} className={buttonClasses("secondary", "sm")}>More comments</Link>
          ) : null}
        </div>
      ) : null}
      {readOnly ? null : (
        <CardBody className="border-t border-zinc-100">
          <CommentForm orgId={org.id} taskId={taskId} />
        </CardBody>
      )}
    </Card>
  );
}
