-- migration-lint: allow drop-index: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables
DROP INDEX "projects_org_created_idx";--> statement-breakpoint
-- migration-lint: allow drop-index: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables
DROP INDEX "tasks_project_created_idx";--> statement-breakpoint
-- migration-lint: allow drop-index: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables
DROP INDEX "tasks_project_status_created_idx";--> statement-breakpoint
-- migration-lint: allow index-not-concurrent: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables
CREATE INDEX "projects_org_created_idx" ON "projects" USING btree ("org_id","created_at","id");--> statement-breakpoint
-- migration-lint: allow index-not-concurrent: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables
CREATE INDEX "tasks_project_created_idx" ON "tasks" USING btree ("project_id","created_at","id");--> statement-breakpoint
-- migration-lint: allow index-not-concurrent: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables
CREATE INDEX "tasks_project_status_created_idx" ON "tasks" USING btree ("project_id","status","created_at","id");