import type { Metadata } from "next";
import { Suspense } from "react";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { getActivitySummary, type ActivitySummary } from "@/lib/activity/get-activity-summary";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { getOrgStats } from "@/lib/projects/projects";
import { getCommentStats } from "@/lib/comments/comments";
import { ActivityList } from "./_components/activity-list";
import { PageHeader } from "./_components/page-header";
import { formatDay } from "@/lib/format";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const user = await requireUserOrRedirect(`/${slug}`);
  const { org } = await getOrgContextOrNotFound(user.id, slug);
  const actor = { userId: user.id };
  // Both lookups start now, so they reach the cache store in one round trip; the activity still streams in below.
  const summary = getActivitySummary({ actor, orgId: org.id });
  summary.catch(() => {}); // awaited in RecentActivity; not an unhandled rejection if the stats fail first
  const [stats, comments] = await Promise.all([getOrgStats({ actor, orgId: org.id }), getCommentStats({ actor, orgId: org.id })]);
  const tiles = [
    { label: "Active projects", value: stats.projects, href: `/${org.slug}/projects` },
    { label: "To do", value: stats.todo },
    { label: "In progress", value: stats.inProgress },
    { label: "Done", value: stats.done },
    { label: "Members", value: stats.members, href: `/${org.slug}/members` },
    { label: "Comments, 30 days", value: comments.last30Days },
  ];
  return (
    <>
      <PageHeader title={org.name} description={`Welcome back${user.name ? `, ${user.name}` : ""}.`} />
      <dl className="stat-tiles">
        {tiles.map((t) => (
          <div key={t.label}>
            <dt>{t.label}</dt>
            <dd>{t.href ? <Link href={t.href}>{t.value}</Link> : t.value}</dd>
          </div>
        ))}
      </dl>
      <Suspense fallback={<Card className="mt-6"><ActivitySkeleton /></Card>}>
        <RecentActivity summary={summary} />
      </Suspense>
    </>
  );
}

async function RecentActivity({ summary: pending }: { summary: Promise<ActivitySummary> }) {
  const summary = await pending;
  return (
    <>
      <Card className="mt-6">
        <CardHeader title="Activity, last 30 days" description={`${summary.daily.reduce((n, d) => n + d.count, 0)} changes in this organization.`} />
        <ActivityChart daily={summary.daily} />
      </Card>
      <Card className="mt-6">
        <CardHeader title="Recent activity" description="Who changed what in this organization." />
        <ActivityList items={summary.recent} />
      </Card>
    </>
  );
}


function ActivityChart({ daily }: { daily: ActivitySummary["daily"] }) {
  const busiest = Math.max(0, ...daily.map((d) => d.count));
  const max = Math.max(1, busiest);
  const label = (d: { day: string; count: number }) => `${formatDay(d.day)}: ${d.count} ${d.count === 1 ? "change" : "changes"}`;
  const busyDays = daily.filter((d) => d.count > 0);
  return (
    <div className="px-5 pb-5">
      {/* One bar per day, drawn by CSS from its height (app/globals.css, .day-chart), its figure on hover. A screen
          reader gets the days with changes as one sentence instead of thirty mostly empty items. */}
      <ol aria-hidden className="day-chart">
        {daily.map((d, i) => (
          // Keyed by position: the thirty days always fill the same thirty places.
          <li key={i} title={label(d)} {...(d.count > 0 && { style: { height: `${Math.max(8, Math.round((d.count / max) * 100))}%` } })} />
        ))}
      </ol>
      <p className="sr-only">
        {busyDays.length ? `Changes per day: ${busyDays.map(label).join("; ")}; none on the other days.` : "No changes in the last 30 days."}
      </p>
      <div className="mt-2 flex justify-between text-xs text-zinc-500">
        <span>{formatDay(daily[0]!.day)}</span>
        <span>Busiest day: {busiest} {busiest === 1 ? "change" : "changes"}</span>
        <span>Today</span>
      </div>
    </div>
  );
}

function ActivitySkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading activity" className="animate-pulse space-y-3 px-5 py-4">
      {Array.from({ length: 4 }, (_, i) => <div key={i} className="h-4 rounded bg-zinc-100" />)}
    </div>
  );
}
