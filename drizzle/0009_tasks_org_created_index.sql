-- The CSV export reads an organization's tasks in creation order, a keyset page of 1,000 at a time: without this index
-- each page scanned and sorted every task after its cursor (bench/scale.ts's plan check: 21,000 rows read and 10,000
-- sorted per page at 20,000 tasks). IF NOT EXISTS: on a big table, build it first with CREATE INDEX CONCURRENTLY (the
-- migrations run in one transaction, and a plain build holds the table's writes until it is done).
-- migration-lint: allow index-not-concurrent: the migrations run in one transaction (drizzle's migrator), where CONCURRENTLY is refused; on a big tasks table build it first by hand with CREATE INDEX CONCURRENTLY (above), and IF NOT EXISTS skips it here
CREATE INDEX IF NOT EXISTS "tasks_org_created_idx" ON "tasks" USING btree ("org_id","created_at","id");--> statement-breakpoint
-- Counts by status come from task_counts (0007): nothing reads (org_id, status) any more, and every write paid for it.
-- migration-lint: allow drop-index: the migrations run in one transaction, where CONCURRENTLY is refused; the lock is held for the catalog change only (no scan), and a deployment may drop it first with DROP INDEX CONCURRENTLY
DROP INDEX IF EXISTS "tasks_org_status_idx";
