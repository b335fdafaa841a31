import { generateReport } from "@/lib/inngest/functions/generate-report";
import { importTasks } from "@/lib/inngest/functions/import-tasks";
import { issuePasswordReset } from "@/lib/inngest/functions/issue-password-reset";
import { maintainDatabase } from "@/lib/inngest/functions/maintain-database";
import { notifyMentionedMember } from "@/lib/inngest/functions/notify-mentioned-member";
import { notifyTaskAssignee } from "@/lib/inngest/functions/notify-task-assignee";
import { purgeDeletedOrganizations } from "@/lib/inngest/functions/purge-deleted-organizations";
import { recordJobFailure } from "@/lib/inngest/functions/record-job-failure";
import { redispatchOutbox } from "@/lib/inngest/functions/redispatch-outbox";
import { sendInvitationEmail } from "@/lib/inngest/functions/send-invitation-email";
import { sendPasswordResetEmail } from "@/lib/inngest/functions/send-password-reset-email";
import { sendVerificationEmail } from "@/lib/inngest/functions/send-verification-email";
import { sweepStaleWork } from "@/lib/inngest/functions/sweep-stale-work";

/** Every background function the app serves (app/api/inngest/route.ts) and the local executor runs. */
export const jobFunctions = [
  sendVerificationEmail,
  issuePasswordReset,
  sendPasswordResetEmail,
  sendInvitationEmail,
  notifyTaskAssignee,
  notifyMentionedMember,
  importTasks,
  generateReport,
  redispatchOutbox,
  maintainDatabase,
  purgeDeletedOrganizations,
  sweepStaleWork,
  recordJobFailure,
];
