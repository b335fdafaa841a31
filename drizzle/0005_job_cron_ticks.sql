CREATE TABLE "job_cron_ticks" (
	"function_id" text NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"claimed_by" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_cron_ticks_function_id_scheduled_at_pk" PRIMARY KEY("function_id","scheduled_at")
);
--> statement-breakpoint
CREATE INDEX "job_cron_ticks_claimed_idx" ON "job_cron_ticks" USING btree ("claimed_at");