import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { PgPreparedQuery } from "drizzle-orm/pg-core";
import { getMetrics, sqlOperation } from "@/lib/observability/metrics";

// Times every SQL statement drizzle sends, whichever driver (postgres.js or PGlite): one histogram observation
// and one client span per statement. Drizzle has no timing hook (its logger fires before the query, its own
// tracing is compiled out), so this wraps the one method both drivers' prepared queries go through,
// PgPreparedQuery.queryWithCache. Parameters never reach the span: they can hold emails, hashes and tokens.

type QueryWithCache = (this: unknown, queryString: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;
const MARK = Symbol.for("anatomy.instrumented");

export function instrumentQueries(system: "postgresql"): void {
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: QueryWithCache; [MARK]?: boolean };
  if (proto[MARK]) return;
  proto[MARK] = true;
  const original = proto.queryWithCache;
  const tracer = trace.getTracer("anatomy-db");
  proto.queryWithCache = function (queryString, params, query) {
    const operation = sqlOperation(queryString);
    const metrics = getMetrics();
    const started = performance.now();
    metrics.dbQueriesInFlight.inc();
    return tracer.startActiveSpan(
      `db ${operation}`,
      { kind: SpanKind.CLIENT, attributes: { "db.system": system, "db.operation.name": operation } },
      async (span) => {
        try {
          return await original.call(this, queryString, params, query);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
          throw error;
        } finally {
          span.end();
          metrics.dbQueriesInFlight.dec();
          metrics.dbQueryDuration.observe({ operation }, (performance.now() - started) / 1000);
        }
      },
    );
  };
}
