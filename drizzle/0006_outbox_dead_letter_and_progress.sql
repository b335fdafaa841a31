ALTER TABLE "outbox_events" ADD COLUMN "dead_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "task_imports" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- migration-lint: allow index-not-concurrent: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables (a partial index of a few rows)
CREATE INDEX "outbox_events_dead_idx" ON "outbox_events" USING btree ("dead_at") WHERE "outbox_events"."dead_at" is not null;--> statement-breakpoint
-- migration-lint: allow index-not-concurrent: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables (a partial index of a few rows)
CREATE INDEX "reports_unfinished_idx" ON "reports" USING btree ("updated_at") WHERE "reports"."status" in ('queued', 'running');--> statement-breakpoint
-- migration-lint: allow index-not-concurrent: shipped before the lint existed (2026-11) and applied by every deployment since; a new database runs it on empty tables (a partial index of a few rows)
CREATE INDEX "task_imports_unfinished_idx" ON "task_imports" USING btree ("updated_at") WHERE "task_imports"."status" in ('queued', 'running');