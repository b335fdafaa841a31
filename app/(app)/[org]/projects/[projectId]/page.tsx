import { Icon } from "@/components/icon";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Label, Select } from "@/components/ui/input";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { isAppError } from "@/lib/errors";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { getMemberOptionsJson } from "@/lib/orgs/members";
import { uuidSchema } from "@/lib/orgs/schemas";
import { can } from "@/lib/orgs/permissions";
import { getProjectOrThrow } from "@/lib/projects/projects";
import { taskFiltersInput, taskStatusLabels, taskStatuses } from "@/lib/projects/schemas";
import { listTasks } from "@/lib/projects/tasks";
import { PageHeader } from "../../_components/page-header";
import { CreateTaskForm } from "./_components/create-task-form";
import type { MemberList } from "./_components/member-list";
import { MemberOptions } from "./_components/member-options";
import { TaskList } from "./_components/task-list";
import { projectPermissions } from "@/lib/projects/permissions";

export const metadata: Metadata = { title: "Tasks" };

type Props = {
  params: Promise<{ org: string; projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v || undefined;
}

export default async function ProjectPage({ params, searchParams }: Props) {
  const { org: slug, projectId } = await params;
  const query = await searchParams;
  if (!uuidSchema.safeParse(projectId).success) notFound();
  const user = await requireUserOrRedirect(`/${slug}/projects/${projectId}`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  const actor = { userId: user.id };
  const path = `/${org.slug}/projects/${projectId}`;

  const filters = taskFiltersInput.safeParse({
    status: first(query.status),
    assignee: first(query.assignee),
    q: first(query.q),
    cursor: first(query.cursor),
  });
  // Together, so the project's and the members' cache lookups go to the store in one round trip while the page of
  // tasks is read (each service authorizes for itself; a page of a project that does not exist is simply empty).
  const [project, membersJson, page] = await Promise.all([
    getProjectOrThrow({ actor, orgId: org.id, projectId }).catch((error) => {
      if (isAppError(error) && error.code === "not_found") notFound();
      throw error;
    }),
    getMemberOptionsJson({ actor, orgId: org.id }),
    listTasks({ actor, orgId: org.id, projectId, filters: filters.success ? filters.data : {} }).catch((error) => {
      if (isAppError(error) && error.code === "invalid_input") return { items: [], nextCursor: null, invalid: true };
      throw error;
    }),
  ]);
  // One object for every form of the page: the RSC payload carries it once (_components/member-list.ts).
  const memberOptions: MemberList = { json: membersJson };
  const f = filters.success ? filters.data : {};
  const isFiltered = Boolean(f.status || f.assignee || f.q);
  const nextHref = page.nextCursor
    ? `${path}?${new URLSearchParams({ ...(f.status && { status: f.status }), ...(f.assignee && { assignee: f.assignee }), ...(f.q && { q: f.q }), cursor: page.nextCursor })}`
    : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500">
        <Link href={`/${org.slug}/projects`} className="hover:text-zinc-900">Projects</Link> <span aria-hidden>/</span>
      </nav>
      <PageHeader title={project.name} action={project.archivedAt ? <Badge tone="amber">Archived</Badge> : undefined} />
      {project.archivedAt ? (
        <Alert tone="warning" className="mb-6">This project is archived. Restore it from the projects list to add tasks.</Alert>
      ) : can(role, projectPermissions["task:create"]) ? (
        <Card className="mb-6"><CardBody><CreateTaskForm orgId={org.id} projectId={projectId} members={memberOptions} /></CardBody></Card>
      ) : null}

      <form method="get" action={path} className="mb-4 grid grid-cols-2 items-end gap-3 sm:grid-cols-[1fr_10rem_12rem_auto]" aria-label="Filter tasks">
        <div className="col-span-2 space-y-1.5 sm:col-span-1">
          <Label htmlFor="q">Search</Label>
          <Input id="q" name="q" type="search" defaultValue={f.q ?? ""} placeholder="Search titles" />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="status">Status</Label>
          <Select id="status" name="status" defaultValue={f.status ?? ""}>
            <option value="">Any status</option>
            {taskStatuses.map((s) => <option key={s} value={s}>{taskStatusLabels[s]}</option>)}
          </Select>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="assignee">Assignee</Label>
          <Select id="assignee" name="assignee" defaultValue={f.assignee ?? ""}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="none">Unassigned</option>
            <MemberOptions members={memberOptions} />
          </Select>
        </div>
        <div className="col-span-2 flex gap-2 sm:col-span-1">
          <Button type="submit" variant="secondary">Filter</Button>
          {isFiltered ? <Link href={path} className={buttonClasses("ghost")}>Clear</Link> : null}
        </div>
      </form>

      {/* overflow-hidden: a row being edited has its own background, clipped to the card's rounded corners. */}
      <Card className="overflow-hidden">
        {"invalid" in page ? (
          <Alert tone="error" className="m-4">That page link is not valid. <Link href={path} className="underline">Start from the first page</Link>.</Alert>
        ) : page.items.length === 0 ? (
          <EmptyState
            icon={<Icon name="list-todo" className="size-5" />}
            title={isFiltered ? "No tasks match these filters" : f.cursor ? "No more tasks" : "No tasks yet"}
            description={isFiltered ? "Try other filters or clear them." : "Add the first task above."}
          />
        ) : (
          <TaskList
            // Another page or filter starts with no result of this one's actions on show.
            key={`${f.status ?? ""}|${f.assignee ?? ""}|${f.q ?? ""}|${f.cursor ?? ""}`}
            orgId={org.id}
            basePath={path}
            members={memberOptions}
            canDelete={can(role, projectPermissions["task:delete"])}
            readOnly={Boolean(project.archivedAt)}
            tasks={page.items.map((t) => ({
              id: t.id,
              title: t.title,
              status: t.status,
              ...(t.dueOn && { dueOn: t.dueOn }),
              ...(t.assignee && { assigneeId: t.assignee.id, assigneeLabel: t.assignee.name ?? t.assignee.email }),
            }))}
          />
        )}
      </Card>
      {f.cursor || nextHref ? (
        <div className="mt-4 flex justify-between gap-3">
          {f.cursor ? <Link href={path} className={buttonClasses("secondary", "sm")}>First page</Link> : <span />}
          {nextHref ? <Link href={nextHref} className={buttonClasses("secondary", "sm")}>Next page</Link> : null}
        </div>
      ) : null}
    </>
  );
}
