-- Custom migration (reviewed by hand): drizzle-kit cannot express partitioned tables.
-- activity_events is append-only and range-partitioned by month on created_at, so retention is a cheap
-- DETACH/DROP of an old partition instead of a DELETE over millions of rows.
CREATE TABLE "activity_events" (
  "id" uuid DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
  "actor_id" uuid,
  "type" text NOT NULL,
  "subject_type" text NOT NULL,
  "subject_id" uuid,
  "data" jsonb DEFAULT '{}'::jsonb NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "activity_events_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE INDEX "activity_events_org_created_idx" ON "activity_events" ("org_id", "created_at" DESC);
--> statement-breakpoint
-- Events are facts: they may be dropped with their organization or their partition, never rewritten.
CREATE FUNCTION "activity_events_forbid_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'activity_events is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "activity_events_no_update" BEFORE UPDATE ON "activity_events"
  FOR EACH ROW EXECUTE FUNCTION "activity_events_forbid_update"();
--> statement-breakpoint
-- Creates the monthly partitions from the current month to `months_ahead` months ahead; safe to call repeatedly.
-- Called by this migration, at app start, and on demand when an insert finds no partition.
CREATE FUNCTION "ensure_activity_partitions"("months_ahead" integer DEFAULT 1) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  month_start date;
  created integer := 0;
  partition_name text;
BEGIN
  FOR i IN 0..months_ahead LOOP
    month_start := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    partition_name := 'activity_events_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF activity_events FOR VALUES FROM (%L) TO (%L)',
        partition_name,
        (month_start::timestamp AT TIME ZONE 'UTC'),
        ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC')
      );
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
SELECT "ensure_activity_partitions"(1);
