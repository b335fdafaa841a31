import "server-only";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { Middleware } from "inngest";
import { recordRunCompleted, recordRunRetrying, recordRunStarted, runRefFrom } from "@/lib/jobs/job-runs";

const tracer = trace.getTracer("anatomy-jobs");

/**
 * Bookkeeping for every function: a job_runs row (started, completed, each failed attempt; the final failure comes
 * from the inngest/function.failed handler), job metrics, and a span per step execution so traces show the job's work.
 */
export class JobRunsMiddleware extends Middleware.BaseMiddleware {
  readonly id = "anatomy-job-runs";

  override async onRunStart({ ctx, fn }: Middleware.OnRunStartArgs) {
    await recordRunStarted(runRefFrom(ctx, fn.id()));
  }

  override async onRunComplete({ ctx, fn }: Middleware.OnRunCompleteArgs) {
    await recordRunCompleted(runRefFrom(ctx, fn.id()));
  }

  override async onRunError({ ctx, fn, error, isFinalAttempt }: Middleware.OnRunErrorArgs) {
    if (!isFinalAttempt) await recordRunRetrying(runRefFrom(ctx, fn.id()), error as Error);
  }

  // A step that throws is retried on its own (the function is not re-run): that is a failed attempt too.
  override async onStepError({ ctx, fn, error, isFinalAttempt }: Middleware.OnStepErrorArgs) {
    if (!isFinalAttempt) await recordRunRetrying(runRefFrom(ctx, fn.id()), error as Error);
  }

  override async wrapStep({ next, stepInfo, fn }: Middleware.WrapStepArgs): Promise<unknown> {
    if (stepInfo.memoized) return next();
    const name = typeof stepInfo.options.id === "string" ? stepInfo.options.id : stepInfo.hashedId;
    return tracer.startActiveSpan(
      `job step ${fn.id()}/${name}`,
      { kind: SpanKind.INTERNAL, attributes: { "job.function": fn.id(), "job.step": name, "job.step_type": String(stepInfo.stepType) } },
      async (span) => {
        try {
          return await next();
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : "error" });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }
}
