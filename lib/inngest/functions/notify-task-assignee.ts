import { sendEmail } from "@/lib/email/send-email";
import { taskAssignedMessage } from "@/lib/email/templates";
import { inngest } from "@/lib/jobs/client";
import { taskAssigned } from "@/lib/projects/events";
import { getTaskAssignmentEmail } from "@/lib/projects/tasks";

export const notifyTaskAssignee = inngest.createFunction(
  {
    id: "notify-task-assignee",
    triggers: [taskAssigned.trigger],
    retries: 4,
    idempotency: "event.id",
    concurrency: { key: "event.data.orgId", limit: 10 },
  },
  async ({ event, step }) => {
    return step.run("send", async () => {
      const task = await getTaskAssignmentEmail(event.data);
      // Deleted or reassigned before the mail went out: nothing to say.
      if (!task) return { sent: false };
      await sendEmail(
        taskAssignedMessage(task.assigneeEmail, task.actorName ?? "A teammate", task.title, task.projectName, `/${task.orgSlug}/projects/${task.projectId}`),
      );
      return { sent: true };
    });
  },
);
