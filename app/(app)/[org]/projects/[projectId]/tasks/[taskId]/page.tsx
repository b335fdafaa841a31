import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody } from "@/components/ui/card";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { isAppError } from "@/lib/errors";
import { formatDate, formatDateTime } from "@/lib/format";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { uuidSchema } from "@/lib/orgs/schemas";
import { getTaskOrThrow } from "@/lib/projects/tasks";
import { PageHeader } from "../../../../_components/page-header";
import { TaskStatusBadge } from "../../_components/task-status-badge";
import { TaskComments } from "../../../../comments/_components/task-comments";

export const metadata: Metadata = { title: "Task" };

type Props = {
  params: Promise<{ org: string; projectId: string; taskId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** A task on a page of its own: its details, and the sections other modules add below them. */
export default async function TaskPage({ params, searchParams }: Props) {
  const { org: slug, projectId, taskId } = await params;
  const { comments: commentsCursor } = await searchParams;
  if (!uuidSchema.safeParse(projectId).success || !uuidSchema.safeParse(taskId).success) notFound();
  const user = await requireUserOrRedirect(`/${slug}/projects/${projectId}/tasks/${taskId}`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  const task = await getTaskOrThrow({ actor: { userId: user.id }, orgId: org.id, projectId, taskId }).catch((error) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const projectPath = `/${org.slug}/projects/${task.projectId}`;
  const path = `${projectPath}/tasks/${task.id}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 flex flex-wrap gap-1 text-sm text-zinc-500">
        <Link href={`/${org.slug}/projects`} className="hover:text-zinc-900">Projects</Link> <span aria-hidden>/</span>
        <Link href={projectPath} className="hover:text-zinc-900">{task.projectName}</Link> <span aria-hidden>/</span>
      </nav>
      <PageHeader title={task.title} action={<TaskStatusBadge status={task.status} />} />
      {task.projectArchived ? (
        <Alert tone="warning" className="mb-6">This task&apos;s project is archived: it can be read, not changed.</Alert>
      ) : null}
      <Card className="mb-6">
        <CardBody>
          <dl className="task-facts">
            <div><dt>Assignee</dt><dd>{task.assignee?.label ?? "Unassigned"}</dd></div>
            <div><dt>Due</dt><dd>{task.dueOn ? <time dateTime={task.dueOn}>{formatDate(task.dueOn)}</time> : "No due date"}</dd></div>
            <div><dt>Created</dt><dd><time dateTime={task.createdAt.toISOString()}>{formatDateTime(task.createdAt)}</time>{task.createdBy ? ` by ${task.createdBy}` : null}</dd></div>
          </dl>
          <p className="mt-4 text-sm"><Link href={projectPath} className="text-indigo-700 hover:underline">Change it in the task list</Link></p>
        </CardBody>
      </Card>
      <TaskComments
        org={org}
        taskId={task.id}
        user={user}
        role={role}
        readOnly={task.projectArchived}
        path={path}
        cursor={typeof commentsCursor === "string" ? commentsCursor : undefined}
      />
    </>
  );
}
