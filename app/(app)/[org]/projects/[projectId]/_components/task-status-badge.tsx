import { Badge } from "@/components/ui/badge";
import { taskStatusLabels, type TaskStatus } from "@/lib/projects/task-status";

const statusTone = { todo: "gray", in_progress: "indigo", done: "green" } as const;

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  return <Badge tone={statusTone[status]}>{taskStatusLabels[status]}</Badge>;
}
