import type { Metadata } from "next";
import { Suspense } from "react";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { listRecentActivity } from "@/lib/activity/list-activity";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { getOrgStats } from "@/lib/projects/projects";
import { cn } from "@/lib/utils";
import { ActivityList } from "./_components/activity-list";
import { PageHeader } from "./_components/page-header";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const user = await requireUserOrRedirect(`/${slug}`);
  const { org } = await getOrgContextOrNotFound(user.id, slug);
  const actor = { userId: user.id };
  const stats = await getOrgStats({ actor, orgId: org.id });
  const tiles = [
    { label: "Active projects", value: stats.projects, href: `/${org.slug}/projects` },
    { label: "To do", value: stats.todo },
    { label: "In progress", value: stats.inProgress },
    { label: "Done", value: stats.done },
    { label: "Members", value: stats.members, href: `/${org.slug}/members` },
  ];
  return (
    <>
      <PageHeader title={org.name} description={`Welcome back${user.name ? `, ${user.name}` : ""}.`} />
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        {tiles.map((t, i) => (
          <div key={t.label} className={cn("rounded-xl border border-zinc-200 bg-white p-4 shadow-sm", i === tiles.length - 1 && "col-span-2 sm:col-span-1")}>
            <dt className="text-xs font-medium text-zinc-500">{t.label}</dt>
            <dd className="mt-1 text-2xl font-semibold text-zinc-900">
              {t.href ? <Link href={t.href} className="hover:text-indigo-600">{t.value}</Link> : t.value}
            </dd>
          </div>
        ))}
      </dl>
      <Card className="mt-6">
        <CardHeader title="Recent activity" description="Who changed what in this organization." />
        <Suspense fallback={<ActivitySkeleton />}>
          <RecentActivity userId={user.id} orgId={org.id} />
        </Suspense>
      </Card>
    </>
  );
}

async function RecentActivity({ userId, orgId }: { userId: string; orgId: string }) {
  const items = await listRecentActivity({ actor: { userId }, orgId, limit: 15 });
  return <ActivityList items={items} />;
}

function ActivitySkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading activity" className="animate-pulse space-y-3 px-5 py-4">
      {Array.from({ length: 4 }, (_, i) => <div key={i} className="h-4 rounded bg-zinc-100" />)}
    </div>
  );
}
