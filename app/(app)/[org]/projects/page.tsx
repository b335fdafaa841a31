import { Icon } from "@/components/icon";
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { can } from "@/lib/orgs/permissions";
import { isAppError } from "@/lib/errors";
import { listProjects, PROJECT_PAGE_SIZE } from "@/lib/projects/projects";
import { cn } from "@/lib/utils";
import { PageHeader } from "../_components/page-header";
import { CreateProjectForm } from "./_components/create-project-form";
import { ProjectActions } from "./_components/project-actions";
import { projectPermissions } from "@/lib/projects/permissions";

export const metadata: Metadata = { title: "Projects" };

type Props = { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ProjectsPage({ params, searchParams }: Props) {
  const { org: slug } = await params;
  const query = await searchParams;
  const archived = query.view === "archived";
  const cursor = typeof query.cursor === "string" ? query.cursor : undefined;
  const user = await requireUserOrRedirect(`/${slug}/projects`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  const path = `/${org.slug}/projects`;
  // One extra row tells whether there is a next page.
  const rows = await listProjects({ actor: { userId: user.id }, orgId: org.id, archived, cursor, limit: PROJECT_PAGE_SIZE + 1 }).catch(
    (error) => {
      if (isAppError(error) && error.code === "invalid_input") return null;
      throw error;
    },
  );
  const projects = (rows ?? []).slice(0, PROJECT_PAGE_SIZE);
  const nextCursor = rows && rows.length > PROJECT_PAGE_SIZE ? projects.at(-1)?.cursor : undefined;
  const viewQuery = archived ? "view=archived&" : "";
  const canManage = can(role, projectPermissions["project:update"]);
  return (
    <>
      <PageHeader title="Projects" description="Group your team's tasks into projects." />
      {can(role, projectPermissions["project:create"]) && !archived ? (
        <div className="mb-6"><CreateProjectForm orgId={org.id} /></div>
      ) : null}
      <div className="mb-3 flex gap-1 text-sm" role="tablist" aria-label="Project status">
        {[{ label: "Active", href: path, on: !archived }, { label: "Archived", href: `${path}?view=archived`, on: archived }].map((t) => (
          <Link key={t.label} href={t.href} role="tab" aria-selected={t.on} className={cn("rounded-md px-3 py-1.5 font-medium", t.on ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100")}>
            {t.label}
          </Link>
        ))}
      </div>
      <Card>
        {rows === null ? (
          <Alert tone="error" className="m-4">That page link is not valid. <Link href={path} className="underline">Start from the first page</Link>.</Alert>
        ) : projects.length === 0 ? (
          <EmptyState
            icon={<Icon name="folder-kanban" className="size-5" />}
            title={archived ? "No archived projects" : "No projects yet"}
            description={archived ? "Projects you archive will be kept here." : "Create your first project to start tracking tasks."}
          />
        ) : (
          <ul className="divide-y divide-zinc-100">
            {projects.map((p) => (
              <li key={p.id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0 wrap-anywhere">
                  <Link href={`${path}/${p.id}`} className="font-medium text-zinc-900 hover:text-indigo-600">{p.name}</Link>
                  <p className="mt-0.5 text-sm text-zinc-500">
                    {p.openTaskCount} open · {p.taskCount} total {p.archivedAt ? <Badge className="ml-1">Archived</Badge> : null}
                  </p>
                </div>
                {canManage ? <ProjectActions orgId={org.id} projectId={p.id} name={p.name} archived={Boolean(p.archivedAt)} /> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {cursor || nextCursor ? (
        <div className="mt-4 flex justify-between gap-3">
          {cursor ? <Link href={archived ? `${path}?view=archived` : path} className={buttonClasses("secondary", "sm")}>First page</Link> : <span />}
          {nextCursor ? <Link href={`${path}?${viewQuery}cursor=${nextCursor}`} className={buttonClasses("secondary", "sm")}>Next page</Link> : null}
        </div>
      ) : null}
    </>
  );
}
