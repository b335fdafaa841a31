import { generateReport } from "@/lib/jobs/functions/generate-report";
import { importTasks } from "@/lib/jobs/functions/import-tasks";
import { issuePasswordReset } from "@/lib/jobs/functions/issue-password-reset";
import { maintainDatabase } from "@/lib/jobs/functions/maintain-database";
import { notifyTaskAssignee } from "@/lib/jobs/functions/notify-task-assignee";
import { purgeDeletedOrganizations } from "@/lib/jobs/functions/purge-deleted-organizations";
import { recordJobFailure } from "@/lib/jobs/functions/record-job-failure";
import { redispatchOutbox } from "@/lib/jobs/functions/redispatch-outbox";
import { sendInvitationEmail } from "@/lib/jobs/functions/send-invitation-email";
import { sendPasswordResetEmail } from "@/lib/jobs/functions/send-password-reset-email";
import { sendVerificationEmail } from "@/lib/jobs/functions/send-verification-email";
import { sweepStaleWork } from "@/lib/jobs/functions/sweep-stale-work";

/** Every background function the app serves (app/api/inngest/route.ts) and the local executor runs. */
export const jobFunctions = [
  sendVerificationEmail,
  issuePasswordReset,
  sendPasswordResetEmail,
  sendInvitationEmail,
  notifyTaskAssignee,
  importTasks,
  generateReport,
  redispatchOutbox,
  maintainDatabase,
  purgeDeletedOrganizations,
  sweepStaleWork,
  recordJobFailure,
];
