import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Logo } from "@/components/logo";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getSystemOverview } from "@/lib/observability/system-overview";
import { AutoRefresh } from "@/components/auto-refresh";
import { formatTime } from "@/lib/format";

export const metadata: Metadata = { title: "System" };

const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

// Why a lag-tolerant read went to the primary (db_reads_total's reason label, lib/db/replicas.ts).
const reasonLabel: Record<string, string> = {
  own_write: "the reader's own write",
  replica_behind: "replicas behind the reader's write",
  replica_down: "no replica in use",
  replica_failed: "a replica failed the read",
  outside_request: "jobs and scripts",
};
const ms = (v: number | null) => (v === null ? "—" : `${number.format(v)} ms`);
const mb = (bytes: number) => `${number.format(bytes / 1024 / 1024)} MB`;

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm">
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-zinc-900">{value}</dd>
      {hint ? <dd className="mt-0.5 text-xs text-zinc-500">{hint}</dd> : null}
    </div>
  );
}

/** Platform admins only: this instance's health at a glance. */
export default async function SystemPage() {
  const user = await requireUserOrRedirect("/admin/system");
  if (!user.isPlatformAdmin) notFound();
  const o = await getSystemOverview();
  const peak = Math.max(1, ...o.series.map((s) => s.requests));
  return (
    <div className="min-h-dvh">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-16 max-w-5xl items-center justify-between gap-4 px-4 sm:px-6">
          <Logo href="/app" />
          <Link href="/app" className="text-sm font-medium text-zinc-600 hover:text-zinc-900">Back to the app</Link>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6 sm:px-6 sm:py-8">
        <AutoRefresh seconds={10} />
        <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-2xl font-bold tracking-tight text-zinc-900">System</h1>
            <p className="mt-1 text-sm text-zinc-600">
              This instance, last {o.windowMinutes} min · refreshes every 10 s · the fleet view is the Grafana dashboard in ops/.
            </p>
          </div>
          <Badge tone={o.readiness.ready ? "green" : "red"}>{o.readiness.ready ? "Ready" : o.readiness.shuttingDown ? "Draining" : "Not ready"}</Badge>
        </div>
        {o.instrumentation ? null : (
          <Alert tone="warning" className="mb-6">Instrumentation is off (ANATOMY_INSTRUMENTATION=0): request figures stay at zero.</Alert>
        )}
        <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <Stat label="Requests (last hour)" value={number.format(o.requests)} hint={`${number.format(o.requestsPerMinute)} per minute`} />
          <Stat label="Error rate (5xx)" value={o.errorRate === null ? "—" : `${number.format(o.errorRate * 100)} %`} hint={`${o.serverErrors} failed`} />
          <Stat label="DB queries per minute" value={number.format(o.db.queriesPerMinute)} hint={`p95 ${ms(o.db.p95Ms)}`} />
          <Stat
            label="DB queries in flight"
            value={String(o.db.inFlight)}
            hint={o.db.poolMax ? `pool of ${o.db.poolMax} (${o.db.driver})` : `embedded ${o.db.driver}`}
          />
        </dl>

        <Card className="mt-6">
          <CardHeader title="Requests over the last hour" description="Per 30-second interval; red is 5xx." />
          <CardBody>
            {o.series.length === 0 ? (
              <p className="text-sm text-zinc-500">Collecting: the first interval completes 30 seconds after start.</p>
            ) : (
              <div className="flex h-32 items-stretch gap-px" role="img" aria-label={`Requests per interval, peak ${peak}`}>
                {o.series.map((s) => (
                  <div key={s.at} className="flex h-full flex-1 flex-col justify-end" title={`${formatTime(s.at)} UTC: ${s.requests} requests, ${s.serverErrors} errors`}>
                    <div className="bg-red-500" style={{ height: `${(s.serverErrors / peak) * 100}%` }} />
                    <div className="min-h-px bg-indigo-500" style={{ height: `${((s.requests - s.serverErrors) / peak) * 100}%` }} />
                  </div>
                ))}
              </div>
            )}
          </CardBody>
        </Card>

        <Card className="mt-6">
          <CardHeader title="Slowest routes" description="Since this instance started, by p95 latency." />
          {o.slowestRoutes.length === 0 ? (
            <EmptyState title="No requests measured yet" />
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="border-b border-zinc-100 text-xs text-zinc-500">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium">Route</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Requests</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Avg</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">p95</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">5xx</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {o.slowestRoutes.map((r) => (
                    <tr key={r.route}>
                      <td className="px-5 py-2 font-mono text-xs whitespace-nowrap text-zinc-800">{r.route}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{r.count}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{ms(r.avgMs)}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{ms(r.p95Ms)}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{r.errorCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>

        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader title="Readiness checks" />
            <ul className="divide-y divide-zinc-100">
              {Object.entries(o.readiness.checks).map(([name, check]) => (
                <li key={name} className="flex items-center justify-between gap-3 px-5 py-3 text-sm">
                  <span className="font-medium text-zinc-800">{name}</span>
                  <span className="flex items-center gap-2">
                    <span className="tabular-nums text-zinc-500">{check.latencyMs} ms</span>
                    <Badge tone={check.status === "ok" ? "green" : "red"}>{check.status}</Badge>
                  </span>
                </li>
              ))}
            </ul>
          </Card>
          <Card>
            <CardHeader title="Process" />
            <dl className="divide-y divide-zinc-100 text-sm">
              {[
                ["Uptime", `${number.format(o.process.uptimeSeconds / 60)} min`],
                ["Resident memory", mb(o.process.rssBytes)],
                ["Heap used", mb(o.process.heapUsedBytes)],
              ].map(([k, v]) => (
                <div key={k} className="flex justify-between gap-3 px-5 py-3">
                  <dt className="text-zinc-600">{k}</dt>
                  <dd className="tabular-nums text-zinc-900">{v}</dd>
                </div>
              ))}
            </dl>
          </Card>
        </div>
        <Card className="mt-6">
          <CardHeader
            title="Cache"
            description={`${o.cache.store === "upstash" ? "Upstash Redis (shared by all instances)" : "In-process memory (one instance only)"}; since this instance started.`}
          />
          {o.cache.caches.length === 0 ? (
            <CardBody><p className="text-sm text-zinc-500">No cache lookups yet.</p></CardBody>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium">Cache</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Hit ratio</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Hits</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Misses</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Errors</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {o.cache.caches.map((c) => (
                    <tr key={c.name}>
                      <td className="px-5 py-2 font-mono text-xs whitespace-nowrap text-zinc-800">{c.name}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{c.hitRatio === null ? "—" : `${number.format(c.hitRatio * 100)}%`}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{c.hits}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{c.misses}</td>
                      <td className={`px-5 py-2 text-right whitespace-nowrap tabular-nums ${c.errors > 0 ? "text-red-700" : ""}`}>{c.errors}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card className="mt-6">
          <CardHeader
            title="Read replicas"
            description={
              o.replicas.list.length === 0
                ? "None: every read goes to the primary. Set DATABASE_REPLICA_URLS to add some."
                : `Lag-tolerant reads since this instance started: ${number.format(o.replicas.readsOnReplicas)} on replicas, ${number.format(o.replicas.readsOnPrimary)} on the primary${
                    Object.keys(o.replicas.fallbacks).length > 0
                      ? ` (${Object.entries(o.replicas.fallbacks)
                          .map(([reason, n]) => `${reasonLabel[reason] ?? reason}: ${number.format(n)}`)
                          .join(", ")})`
                      : ""
                  }.`
            }
          />
          {o.replicas.list.length > 0 && (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium">Replica</th>
                    <th scope="col" className="px-5 py-2 font-medium">State</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">Behind</th>
                    <th scope="col" className="px-5 py-2 text-right font-medium">WAL to replay</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {o.replicas.list.map((r) => (
                    <tr key={r.name}>
                      <td className="px-5 py-2 font-mono text-xs whitespace-nowrap text-zinc-800">{r.name}</td>
                      <td className={`px-5 py-2 ${r.up ? "text-emerald-700" : "text-red-700"}`}>{r.up ? "In use" : `Skipped: ${r.error ?? "unknown"}`}</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{number.format(r.lagSeconds)} s</td>
                      <td className="px-5 py-2 text-right whitespace-nowrap tabular-nums">{number.format(r.lagBytes)} B</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <dl className="mt-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
          <Stat label="Job failures (last hour)" value={number.format(o.jobs.failedLastHour)} hint="all instances" />
          <Stat
            label="Outbox backlog"
            value={number.format(o.jobs.outboxPending)}
            hint={o.jobs.outboxPending > 0 ? `oldest ${number.format(o.jobs.outboxOldestSeconds)} s` : "nothing waiting"}
          />
          <Stat
            label="Jobs run on"
            value={o.jobs.mode === "cloud" ? "Inngest" : o.jobs.mode === "dev" ? "Dev server" : "In-process"}
            hint={o.jobs.mode === "local" ? "zero-setup executor" : o.jobs.mode === "dev" ? "INNGEST_DEV=1" : "Inngest Cloud"}
          />
          <div className="flex items-center rounded-xl border border-zinc-200 bg-white p-4 shadow-sm">
            <Link href="/admin/jobs" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">Recent job runs and failures →</Link>
          </div>
        </dl>
      </main>
    </div>
  );
}
