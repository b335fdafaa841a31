-- Written by hand (reviewed): a member who leaves an organization, or is removed from it, is no longer the assignee of
-- its tasks: their open work goes back to the pool rather than pointing at someone who can no longer see it. A trigger
-- owned by the projects module's migrations, so lib/orgs does not reach into the tasks table, and a fork that removes
-- projects drops it with them (docs/forking.md). Statement-level, over the deleted memberships at once. When the
-- organization itself is being deleted its tasks go by the same cascade, so there is nothing to unassign.
CREATE FUNCTION "tasks_unassign_removed_members"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks AS t SET assignee_id = NULL
    FROM old_rows AS m
    WHERE t.org_id = m.org_id AND t.assignee_id = m.user_id
      AND EXISTS (SELECT 1 FROM organizations AS o WHERE o.id = m.org_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "memberships_unassign_tasks" AFTER DELETE ON "memberships"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tasks_unassign_removed_members"();
