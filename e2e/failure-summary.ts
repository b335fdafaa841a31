import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";

/**
 * Prints each failure's first lines once more after the list reporter's summary, so that a log cut to its last
 * lines (a CI page, `tail`) still says what failed and why, not only which test.
 */
export default class FailureSummary implements Reporter {
  private readonly failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === "passed" || result.status === "skipped" || test.outcome() === "flaky") return;
    const message = (result.error?.message ?? result.status).replace(/\u001b\[[0-9;]*m/g, "");
    const lines = message.split("\n").filter((line) => line.trim() !== "").slice(0, 12).map((line) => `      ${line.slice(0, 400)}`);
    this.failures.push(`  ✘ ${test.titlePath().filter(Boolean).join(" › ")}\n${lines.join("\n")}`);
  }

  onEnd(result: FullResult) {
    if (this.failures.length === 0) return;
    console.log(`\nfailures (${result.status}), first lines:\n${this.failures.join("\n")}`);
  }

  printsToStdio() {
    return true;
  }
}
