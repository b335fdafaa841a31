import { Icon } from "@/components/icon";
import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getEnv } from "@/lib/env";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { can } from "@/lib/orgs/permissions";
import { listProjects } from "@/lib/projects/projects";
import { listReports, type ReportItem } from "@/lib/data-transfers/reports";
import { listTaskImports, type TaskImportItem } from "@/lib/data-transfers/task-imports";
import { PageHeader } from "../_components/page-header";
import { ImportTasksForm, RequestReportForm } from "./_components/data-forms";
import { formatDateTime } from "@/lib/format";
import { dataTransferPermissions } from "@/lib/data-transfers/permissions";

export const metadata: Metadata = { title: "Data" };

const number = new Intl.NumberFormat("en-GB");
const statusTone = { queued: "gray", running: "indigo", completed: "green", failed: "red" } as const;
const statusLabel = { queued: "Queued", running: "Running", completed: "Completed", failed: "Failed" } as const;

function Progress({ done, total, label, queued }: { done: number; total: number | null; label: string; queued: boolean }) {
  const percent = total ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className="mt-2">
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-1.5 overflow-hidden rounded-full bg-zinc-100">
        <div className="h-full rounded-full bg-indigo-500 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-xs text-zinc-500">
        {queued ? "Waiting to start…" : total === null ? "Reading the file…" : `${number.format(done)} of ${number.format(total)} rows`}
      </p>
    </div>
  );
}

export default async function DataPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const user = await requireUserOrRedirect(`/${slug}/data`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  const actor = { userId: user.id };
  const canImport = can(role, dataTransferPermissions["import:create"]);
  const [reports, imports, projects] = await Promise.all([
    listReports({ actor, orgId: org.id }),
    canImport ? listTaskImports({ actor, orgId: org.id }) : Promise.resolve([] as TaskImportItem[]),
    canImport ? listProjects({ actor, orgId: org.id, limit: 100 }) : Promise.resolve([]),
  ]);
  const busy = [...reports, ...imports].some((r) => r.status === "queued" || r.status === "running");
  return (
    <>
      {busy ? <AutoRefresh seconds={2} /> : null}
      <PageHeader title="Data" description="Export your organization's tasks and activity; import tasks from a spreadsheet." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Export" description="A CSV file, built in the background. We email you when it is ready; it is kept for 7 days." />
          <CardBody><RequestReportForm orgId={org.id} /></CardBody>
          {reports.length === 0 ? null : <ReportList slug={org.slug} reports={reports} />}
        </Card>
        {canImport ? (
          <Card>
            <CardHeader title="Import tasks" description="A CSV file with a header line naming its columns, in any order:" />
            <CardBody>
              <ul className="mb-4 grid gap-x-6 gap-y-1 text-sm text-zinc-600 sm:grid-cols-2">
                <li><code className="font-medium text-zinc-900">title</code> (required)</li>
                <li><code className="font-medium text-zinc-900">status</code>: to do, in progress or done</li>
                <li><code className="font-medium text-zinc-900">due</code>: a date like 2026-12-31</li>
                <li><code className="font-medium text-zinc-900">assignee</code>: a member&apos;s email</li>
                <li className="sm:col-span-2"><code className="font-medium text-zinc-900">key</code>: a stable id of your own; importing the same key again updates that task</li>
              </ul>
              {projects.length === 0 ? (
                <p className="text-sm text-zinc-600">Create a project first: tasks are imported into a project.</p>
              ) : (
                <ImportTasksForm orgId={org.id} projects={projects.map((p) => ({ id: p.id, name: p.name }))} maxBytes={getEnv().UPLOAD_MAX_BYTES} />
              )}
            </CardBody>
            {imports.length === 0 ? (
              <EmptyState icon={<Icon name="file-up" className="size-5" />} title="No imports yet" description="Imports you start show here with their progress and any rows that could not be imported." />
            ) : (
              <ImportList slug={org.slug} imports={imports} />
            )}
          </Card>
        ) : null}
      </div>
    </>
  );
}

function ReportList({ slug, reports }: { slug: string; reports: ReportItem[] }) {
  return (
    <ul aria-label="Reports" className="divide-y divide-zinc-100 border-t border-zinc-100">
      {reports.map((r) => {
        const name = `${r.kind === "tasks" ? "Tasks" : "Activity"} report`;
        return (
          <li key={r.id} aria-label={`${name}, ${statusLabel[r.status]}`} className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
                <Icon name="file-spreadsheet" className="size-4 text-zinc-400" />
                {name}
                <Badge tone={statusTone[r.status]}>{statusLabel[r.status]}</Badge>
              </p>
              <p className="mt-0.5 text-xs text-zinc-500">
                {r.requestedBy ?? "Someone"} · <span className="whitespace-nowrap">{formatDateTime(r.createdAt)} UTC</span>
                {r.status === "completed" ? ` · ${number.format(r.rowCount)} rows` : ""}
                {r.expired ? " · expired" : ""}
              </p>
              {r.status === "running" || r.status === "queued" ? (
                <Progress done={r.rowCount} total={r.totalRows} queued={r.status === "queued"} label={`Progress of the ${name.toLowerCase()}`} />
              ) : null}
              {r.status === "failed" ? <p className="mt-1 text-xs text-red-700">{r.failureReason ?? "It could not be generated."} Request it again.</p> : null}
            </div>
            {r.status === "completed" && !r.expired ? (
              <a href={`/${slug}/data/reports/${r.id}/download`} className="shrink-0 text-sm font-medium text-indigo-600 hover:text-indigo-500" download>
                Download CSV
              </a>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function ImportList({ slug, imports }: { slug: string; imports: TaskImportItem[] }) {
  return (
    <>
    <h3 className="border-t border-zinc-100 bg-zinc-50 px-5 py-2 text-xs font-medium text-zinc-500">Recent imports</h3>
    <ul aria-label="Imports" className="divide-y divide-zinc-100 border-t border-zinc-100">
      {imports.map((i) => (
        <li key={i.id} aria-label={`Import of ${i.fileName}, ${statusLabel[i.status]}`} className="px-5 py-3">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
            <Icon name="file-up" className="size-4 shrink-0 text-zinc-400" />
            <span className="min-w-0 truncate" title={i.fileName}>{i.fileName}</span>
            <Badge tone={statusTone[i.status]}>{statusLabel[i.status]}</Badge>
          </p>
          <p className="mt-0.5 text-xs text-zinc-500">
            Into{" "}
            <Link href={`/${slug}/projects/${i.projectId}`} className="font-medium text-zinc-700 hover:text-indigo-600">{i.projectName}</Link> ·{" "}
            <span className="whitespace-nowrap">{formatDateTime(i.createdAt)} UTC</span>
          </p>
          {i.status === "running" || i.status === "queued" ? (
            <Progress done={i.processedRows} total={i.totalRows} queued={i.status === "queued"} label={`Progress of ${i.fileName}`} />
          ) : null}
          {i.status === "completed" ? (
            <p className="mt-1 text-sm text-zinc-700">
              {number.format(i.createdCount)} created, {number.format(i.updatedCount)} updated
              {i.errorCount > 0 ? `, ${number.format(i.errorCount)} ${i.errorCount === 1 ? "row" : "rows"} skipped` : ""}.
            </p>
          ) : null}
          {i.status === "failed" ? <p className="mt-1 text-sm text-red-700">{i.failureReason ?? "The import failed."}</p> : null}
          {i.rowErrors.length > 0 ? (
            <details className="mt-2 text-sm">
              <summary className="cursor-pointer text-zinc-600">Rows that were not imported</summary>
              <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto text-xs text-zinc-700">
                {i.rowErrors.map((e) => (
                  <li key={`${e.row}-${e.message}`}>Line {e.row}: {e.message}</li>
                ))}
                {i.errorCount > i.rowErrors.length ? <li>…and {number.format(i.errorCount - i.rowErrors.length)} more.</li> : null}
              </ul>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
    </>
  );
}
