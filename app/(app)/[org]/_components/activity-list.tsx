import { Icon } from "@/components/icon";
import { EmptyState } from "@/components/ui/empty-state";
import type { ActivityItem } from "@/lib/activity/list-activity";
import { formatDateTime } from "@/lib/format";

const numberFormat = new Intl.NumberFormat("en-GB");

function count(v: unknown): string {
  return numberFormat.format(Number(v ?? 0));
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function describe(item: ActivityItem): string {
  const d = item.data;
  switch (item.type) {
    case "org.created": return `created the organization ${str(d.name)}`;
    case "org.updated": return "updated the organization settings";
    case "org.deleted": return "scheduled the organization for deletion";
    case "org.restored": return "restored the organization";
    case "member.joined": return `joined as ${str(d.role)}`;
    case "member.role_changed": return `changed a member's role from ${str(d.from)} to ${str(d.to)}`;
    case "member.removed": return d.left ? "left the organization" : "removed a member";
    // Members do not see invited addresses (lib/activity/redact-activity.ts).
    case "invitation.created": return `invited ${str(d.email) || "someone"} as ${str(d.role)}`;
    case "invitation.revoked": return d.email ? `withdrew the invitation for ${str(d.email)}` : "withdrew an invitation";
    case "project.created": return `created the project ${str(d.name)}`;
    case "project.renamed": return `renamed the project ${str(d.from)} to ${str(d.to)}`;
    case "project.archived": return `archived the project ${str(d.name)}`;
    case "project.unarchived": return `restored the project ${str(d.name)}`;
    case "task.created": return `created the task “${str(d.title)}”`;
    case "task.updated": return `updated the task “${str(d.title)}”`;
    case "task.deleted": return `deleted the task “${str(d.title)}”`;
    case "tasks.imported": {
      const skipped = Number(d.errors ?? 0);
      return `imported ${count(d.created)} new and ${count(d.updated)} updated tasks from ${str(d.fileName)}${skipped ? ` (${count(skipped)} ${skipped === 1 ? "row" : "rows"} skipped)` : ""}`;
    }
    case "report.requested": return d.kind === "activity" ? "requested an activity report" : "requested a tasks report";
    default: return item.type;
  }
}


export function ActivityList({ items }: { items: ActivityItem[] }) {
  if (items.length === 0) {
    return <EmptyState icon={<Icon name="activity" className="size-5" />} title="No activity yet" description="Changes made in this organization will show up here." />;
  }
  return (
    <ol className="activity-list">
      {items.map((item) => (
        <li key={item.id}>
          <p><b>{item.actorName ?? item.actorEmail ?? "Someone"}</b> {describe(item)}</p>
          <time dateTime={item.createdAt.toISOString()}>{`${formatDateTime(item.createdAt)} UTC`}</time>
        </li>
      ))}
    </ol>
  );
}
