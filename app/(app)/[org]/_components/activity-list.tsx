import { Icon } from "@/components/icon";
import { EmptyState } from "@/components/ui/empty-state";
import type { ActivityText, ActivityType } from "@/lib/activity/activity-types";
import type { ActivityItem } from "@/lib/activity/list-activity";
import { commentActivityTexts } from "@/lib/comments/activity";
import { dataTransferActivityTexts } from "@/lib/data-transfers/activity";
import { formatDateTime } from "@/lib/format";
import { orgActivityTexts } from "@/lib/orgs/activity";
import { projectActivityTexts } from "@/lib/projects/activity";

// Every module's activity texts, merged: the type check fails when a declared type has no text. A type no module
// declares any more (an event recorded before a module was removed) shows as its name.
const activityTexts = new Map<string, ActivityText>(
  Object.entries({ ...orgActivityTexts, ...projectActivityTexts, ...dataTransferActivityTexts, ...commentActivityTexts } satisfies Record<ActivityType, ActivityText>),
);

function describe(item: ActivityItem): string {
  return activityTexts.get(item.type)?.(item.data) ?? item.type;
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
