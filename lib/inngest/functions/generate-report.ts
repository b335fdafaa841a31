import { sendEmail } from "@/lib/email/send-email";
import { reportReadyMessage } from "@/lib/email/templates";
import { inngest } from "@/lib/jobs/client";
import { reportRequested } from "@/lib/data-transfers/events";
import { appendReportPages, failReport, finishReport, startReport } from "@/lib/data-transfers/reports";

// A CSV report, one step per REPORT_PAGES_PER_STEP pages of rows (keyset pagination, a transaction per page), so
// progress shows as pages land and a failure retries from the first page not written; then an email to whoever asked. Two reports per org at a time; one run per report.
export const generateReport = inngest.createFunction(
  {
    id: "generate-report",
    triggers: [reportRequested.trigger],
    retries: 4,
    idempotency: "event.data.reportId",
    concurrency: { key: "event.data.orgId", limit: 2 },
    onFailure: async ({ event, error, step }) => {
      const reason = error.name === "NonRetriableError" ? error.message : "The report stopped on an unexpected error. Request it again.";
      await step.run("mark the report failed", () => failReport(event.data.event.data.reportId, reason));
    },
  },
  async ({ event, step }) => {
    const { reportId } = event.data;
    await step.run("start", () => startReport(reportId));
    let pages = 0;
    for (let hasMore = true; hasMore; ) {
      const from = pages;
      ({ hasMore, nextPage: pages } = await step.run(`write pages from ${from + 1}`, () => appendReportPages(reportId, from)));
    }
    const report = await step.run("finish", () => finishReport(reportId));
    if (report.requester) {
      const { email, orgName, orgSlug } = report.requester;
      await step.run("email the requester", () => sendEmail(reportReadyMessage(email, orgName, orgSlug, report.kind, report.rowCount)));
    }
    return { rows: report.rowCount, pages };
  },
);
