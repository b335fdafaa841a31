import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AutoRefresh } from "@/components/auto-refresh";
import { Logo } from "@/components/logo";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { listRecentJobRuns, type JobRunRow } from "@/lib/jobs/job-runs";
import { listDeadOutboxEvents } from "@/lib/jobs/outbox";
import { cn } from "@/lib/utils";
import { RetryDeadEventsForm } from "./retry-form";
import { formatDateTimeSeconds } from "@/lib/format";

export const metadata: Metadata = { title: "Jobs" };

const tone = { running: "indigo", retrying: "amber", completed: "green", failed: "red" } as const;

function duration(run: JobRunRow): string {
  const end = run.finishedAt ?? run.updatedAt;
  const seconds = (end.getTime() - run.startedAt.getTime()) / 1000;
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}

/** Platform admins only: background runs across every org, newest first; failures on their own tab. */
export default async function JobsPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const user = await requireUserOrRedirect("/admin/jobs");
  if (!user.isPlatformAdmin) notFound();
  const failedOnly = (await searchParams).view === "failed";
  const [runs, dead] = await Promise.all([listRecentJobRuns({ status: failedOnly ? "failed" : undefined, limit: 100 }), listDeadOutboxEvents({ limit: 100 })]);
  return (
    <div className="min-h-dvh">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-16 max-w-5xl items-center justify-between gap-4 px-4 sm:px-6">
          <Logo href="/app" />
          <Link href="/admin/system" className="text-sm font-medium text-zinc-600 hover:text-zinc-900">System</Link>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6 sm:px-6 sm:py-8">
        <AutoRefresh seconds={10} />
        <h1 className="text-2xl font-bold tracking-tight text-zinc-900">Jobs</h1>
        <p className="mt-1 text-sm text-zinc-600">The last 100 background runs of every organization; refreshes every 10 s. Kept for 30 days.</p>
        {dead.length > 0 ? (
          <Card className="mt-4">
            <CardHeader
              title="Undelivered events"
              description={`${dead.length === 100 ? "100 or more" : dead.length} ${dead.length === 1 ? "event" : "events"} could not be handed to Inngest after every attempt. Fix the cause (the last error says it), then retry.`}
              action={<RetryDeadEventsForm eventId="all" label="Retry every undelivered event" />}
            />
            <ul aria-label="Undelivered events" className="divide-y divide-zinc-100">
              {dead.map((event) => (
                <li key={event.id} aria-label={`${event.name}, undelivered`} className="flex flex-wrap items-start justify-between gap-3 px-5 py-3">
                  <div className="min-w-0">
                    <p className="flex min-w-0 items-center gap-2">
                      <span className="truncate font-mono text-sm text-zinc-900">{event.name}</span>
                      <Badge tone="red" className="shrink-0 whitespace-nowrap">dead-lettered</Badge>
                    </p>
                    <p className="mt-0.5 text-xs text-zinc-500 tabular-nums">
                      {formatDateTimeSeconds(event.createdAt)} UTC · {event.attempts} attempts{event.orgId ? ` · org ${event.orgId}` : ""} · event {event.id}
                    </p>
                    {event.lastError ? <p className="mt-1 text-sm break-words text-red-700">{event.lastError}</p> : null}
                  </div>
                  <RetryDeadEventsForm eventId={event.id} label={`Retry ${event.name} (event ${event.id})`} />
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
        <div className="mt-4 mb-3 flex gap-1 text-sm" role="tablist" aria-label="Which runs">
          {[{ label: "All runs", href: "/admin/jobs", on: !failedOnly }, { label: "Failures", href: "/admin/jobs?view=failed", on: failedOnly }].map((t) => (
            <Link key={t.label} href={t.href} role="tab" aria-selected={t.on} className={cn("rounded-md px-3 py-1.5 font-medium", t.on ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100")}>
              {t.label}
            </Link>
          ))}
        </div>
        <Card>
          <CardHeader title={failedOnly ? "Failed runs" : "Recent runs"} />
          {runs.length === 0 ? (
            <EmptyState title={failedOnly ? "No failures" : "No runs yet"} description={failedOnly ? "Every run so far completed or is still retrying." : "Runs appear here as jobs run."} />
          ) : (
            <ul aria-label="Job runs" className="divide-y divide-zinc-100">
              {runs.map((run) => (
                <li key={run.runId} aria-label={`${run.functionId}, ${run.status}`} className="px-5 py-3">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <p className="flex min-w-0 items-center gap-2">
                      <span className="truncate font-mono text-sm text-zinc-900">{run.functionId}</span>
                      <Badge tone={tone[run.status]}>{run.status}</Badge>
                    </p>
                    <p className="text-xs text-zinc-500 tabular-nums">
                      {formatDateTimeSeconds(run.startedAt)} UTC · {duration(run)} · {run.attempts} {run.attempts === 1 ? "attempt" : "attempts"}
                    </p>
                  </div>
                  <p className="mt-0.5 truncate text-xs text-zinc-500">
                    {run.eventName}
                    {run.orgId ? ` · org ${run.orgId}` : ""} · run {run.runId}
                  </p>
                  {run.error ? <p className="mt-1 text-sm break-words text-red-700">{run.error}</p> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </main>
    </div>
  );
}
