-- Custom migration (reviewed by hand). A new monthly partition of activity_events is no longer made with
-- CREATE TABLE … PARTITION OF, which takes an ACCESS EXCLUSIVE lock on activity_events: every insert and every read of
-- the feed would queue behind it, and behind whatever long transaction it waits for. Instead the partition is created
-- as a table of its own, given a CHECK of its range (so that attaching does not scan it to prove the range), and then
-- attached, which takes only SHARE UPDATE EXCLUSIVE on activity_events (reads and writes go on). The function waits at
-- most 5 s for a lock (its own lock_timeout, whatever the caller's), and callers retry: the daily maintenance job, the
-- deploy's migrate, and an insert that found no partition. Two callers at once take turns (an advisory lock).
-- Retention detaches partitions CONCURRENTLY (lib/activity/partitions.ts).
CREATE OR REPLACE FUNCTION "ensure_activity_partitions"("months_ahead" integer DEFAULT 1) RETURNS integer
LANGUAGE plpgsql SET lock_timeout = '5s' AS $$
DECLARE
  month_start date;
  range_from timestamptz;
  range_to timestamptz;
  created integer := 0;
  partition_name text;
BEGIN
  -- Nothing missing (the usual case, and every call from an insert's transaction but the first of a month): no lock.
  IF NOT EXISTS (
    SELECT 1 FROM generate_series(0, months_ahead) AS i
    WHERE to_regclass('activity_events_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i), 'YYYY_MM')) IS NULL
  ) THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(7242001002);
  FOR i IN 0..months_ahead LOOP
    month_start := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    partition_name := 'activity_events_' || to_char(month_start, 'YYYY_MM');
    range_from := month_start::timestamp AT TIME ZONE 'UTC';
    range_to := (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE activity_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (created_at >= %L AND created_at < %L)',
        partition_name, partition_name || '_range', range_from, range_to);
      EXECUTE format('ALTER TABLE activity_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        partition_name, range_from, range_to);
      -- The partition's bound now says the same; the CHECK would only be evaluated again on every insert.
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', partition_name, partition_name || '_range');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;
