import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { organizations, outboxEvents, taskComments, users } from "@/db/schema";
import { createComment, deleteComment, getCommentStats, getMentionEmail, listTaskComments, updateComment } from "@/lib/comments/comments";
import { createMemoryLimiter, setRateLimiterForTests } from "@/lib/cache/rate-limit";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import { getDb } from "@/lib/db/client";
import { withQueryCount } from "@/lib/db/query-counter";
import { removeMember } from "@/lib/orgs/members";
import { setProjectArchived } from "@/lib/projects/projects";
import { deleteTask } from "@/lib/projects/tasks";
import { activityOf, addMember, createOrgWithRoles, createProjectFor, createTaskFor, createUser, mailTo, snapshotOrg } from "@/lib/testing/factories";
import { drainJobs, setEventSenderForTests } from "@/lib/testing/jobs";

async function setup() {
  const ctx = await createOrgWithRoles();
  const project = await createProjectFor(ctx.org.id, ctx.owner.id, "Website");
  const task = await createTaskFor(ctx.org.id, project.id, ctx.owner.id, "Fix the footer");
  return { ...ctx, project, task };
}

/** How many mention emails the org's comments have queued. */
async function mentionEventCount(orgId: string) {
  const rows = await getDb()
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.name, "comments/comment.mentioned"), eq(outboxEvents.orgId, orgId)));
  return rows.length;
}

/** The mention emails queued for a comment, as (recipient) user ids. */
async function mentionEvents(commentId: string) {
  const rows = await getDb()
    .select({ data: outboxEvents.data })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.name, "comments/comment.mentioned"), sql`${outboxEvents.data}->>'commentId' = ${commentId}`));
  return rows.map((r) => (r.data as { userId: string }).userId).sort();
}

describe("comments", () => {
  // Only the outbox is looked at here; the last test runs the jobs.
  beforeEach(() => setEventSenderForTests(async () => {}));
  afterEach(() => setEventSenderForTests(undefined));

  it("any member comments on a task; the comment lists with its author, and records activity", async () => {
    const { org, member, task, actors } = await setup();
    const created = await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "  First line\r\nsecond line  " } });
    expect(created).toMatchObject({ taskId: task.id, projectId: task.projectId });

    const page = await listTaskComments({ actor: actors.owner, orgId: org.id, taskId: task.id });
    expect(page.items).toEqual([
      expect.objectContaining({ id: created.id, body: "First line\nsecond line", editedAt: null, author: { id: member.id, label: "Mia Member" }, mentioned: [] }),
    ]);
    expect((await activityOf(org.id)).map((a) => [a.type, a.subjectId, (a.data as { title: string }).title])).toContainEqual(["comment.created", task.id, "Fix the footer"]);
  });

  it("resolves @mentions to members and queues one email per mentioned member, never the author", async () => {
    const { org, owner, admin, member, task, actors } = await setup();
    const body = `@Adam Admin and @${member.email}: please review. (@Olivia Owner, fyi; @Nobody Here)`;
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body } });
    const [row] = await getDb().select().from(taskComments).where(eq(taskComments.id, comment.id));
    expect(row!.mentionedUserIds).toEqual([admin.id, member.id, owner.id]);
    expect(await mentionEvents(comment.id)).toEqual([admin.id, member.id].sort());
    const [listed] = (await listTaskComments({ actor: actors.member, orgId: org.id, taskId: task.id })).items;
    expect(listed!.mentioned.map((m) => m.userId).sort()).toEqual([admin.id, member.id, owner.id].sort());
  });

  it("a member of another org is not mentioned, even by exact email", async () => {
    const { org, task, actors } = await setup();
    const other = await createOrgWithRoles();
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: `@${other.member.email} hello` } });
    expect(await mentionEvents(comment.id)).toEqual([]);
  });

  it("its author edits it: members newly mentioned are emailed, those already mentioned are not again", async () => {
    const { org, admin, member, task, actors } = await setup();
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin look" } });
    expect(await mentionEvents(comment.id)).toEqual([admin.id]);

    await updateComment({ actor: actors.owner, input: { orgId: org.id, commentId: comment.id, body: "@Adam Admin look, and @Mia Member" } });
    expect(await mentionEvents(comment.id)).toEqual([admin.id, member.id].sort());
    const [item] = (await listTaskComments({ actor: actors.owner, orgId: org.id, taskId: task.id })).items;
    expect(item).toMatchObject({ body: "@Adam Admin look, and @Mia Member", editedAt: expect.any(Date) });
    expect((await activityOf(org.id)).map((a) => a.type)).toContain("comment.edited");
  });

  it("nobody but its author edits it, not even the owner, and nothing changes", async () => {
    const { org, task, actors } = await setup();
    const comment = await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "mine" } });
    for (const actor of [actors.owner, actors.admin]) {
      const before = await snapshotOrg(org.id);
      await expect(updateComment({ actor, input: { orgId: org.id, commentId: comment.id, body: "changed" } })).rejects.toMatchObject({
        code: "forbidden",
        message: "Only its author can edit a comment.",
      });
      expect(await snapshotOrg(org.id)).toEqual(before);
    }
  });

  it("its author or a manager deletes it; another member may not", async () => {
    const { org, owner, task, actors } = await setup();
    const byOwner = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "owner's" } });
    const byMember = await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "member's" } });
    const byMember2 = await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "member's too" } });

    const before = await snapshotOrg(org.id);
    await expect(deleteComment({ actor: actors.member, input: { orgId: org.id, commentId: byOwner.id } })).rejects.toMatchObject({
      code: "forbidden",
      message: "Only its author or an admin can delete a comment.",
    });
    expect(await snapshotOrg(org.id)).toEqual(before);

    await deleteComment({ actor: actors.member, input: { orgId: org.id, commentId: byMember.id } });
    await deleteComment({ actor: actors.admin, input: { orgId: org.id, commentId: byMember2.id } });
    const left = await listTaskComments({ actor: { userId: owner.id }, orgId: org.id, taskId: task.id });
    expect(left.items.map((c) => c.id)).toEqual([byOwner.id]);
    expect((await activityOf(org.id)).filter((a) => a.type === "comment.deleted")).toHaveLength(2);
  });

  it.each([
    ["an empty body", "   ", "Write a comment."],
    ["a body over 5,000 characters", "x".repeat(5001), "Use at most 5000 characters."],
    ["a control character", "hi\u001b[2J", "Remove tabs and control or text-direction characters."],
    ["a text-direction override", "abc\u202Efdp.exe", "Remove tabs and control or text-direction characters."],
  ])("refuses %s with a message, storing nothing", async (_name, body, message) => {
    const { org, task, actors } = await setup();
    const before = await snapshotOrg(org.id);
    await expect(createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { body: [message] },
    });
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("a task of an archived project takes no comment, edit or deletion", async () => {
    const { org, project, task, actors } = await setup();
    const comment = await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "before" } });
    await setProjectArchived({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, archived: true } });
    const before = await snapshotOrg(org.id);
    const archived = { code: "conflict", message: "This project is archived. Restore it to change its comments." };
    await expect(createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "after" } })).rejects.toMatchObject(archived);
    await expect(updateComment({ actor: actors.member, input: { orgId: org.id, commentId: comment.id, body: "after" } })).rejects.toMatchObject(archived);
    await expect(deleteComment({ actor: actors.owner, input: { orgId: org.id, commentId: comment.id } })).rejects.toMatchObject(archived);
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("an unverified account may comment, but not mention others (they would be emailed)", async () => {
    const { org, member, task, actors } = await setup();
    await getDb().update(users).set({ emailVerified: null }).where(eq(users.id, member.id));
    await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "no mention, @Mia Member myself" } });
    const before = await snapshotOrg(org.id);
    const queued = await mentionEventCount(org.id);
    await expect(createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin hi" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await snapshotOrg(org.id)).toEqual(before);
    expect(await mentionEventCount(org.id)).toBe(queued);
  });

  it("pages through a task's comments oldest first, and refuses a forged cursor", async () => {
    const { org, task, actors } = await setup();
    for (const body of ["one", "two", "three"]) await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body } });
    const first = await listTaskComments({ actor: actors.member, orgId: org.id, taskId: task.id, limit: 2 });
    expect(first.items.map((c) => c.body)).toEqual(["one", "two"]);
    const second = await listTaskComments({ actor: actors.member, orgId: org.id, taskId: task.id, limit: 2, page: { cursor: first.nextCursor } });
    expect(second.items.map((c) => c.body)).toEqual(["three"]);
    expect(second.nextCursor).toBeNull();
    await expect(listTaskComments({ actor: actors.member, orgId: org.id, taskId: task.id, page: { cursor: "bm9wZQ" } })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("counts the org's comments of the last 30 days for the dashboard, fresh after each write", async () => {
    const { org, task, actors } = await setup();
    expect(await getCommentStats({ actor: actors.member, orgId: org.id })).toEqual({ last30Days: 0 });
    const comment = await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "hello" } });
    await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "again" } });
    expect(await getCommentStats({ actor: actors.member, orgId: org.id })).toEqual({ last30Days: 2 });
    await deleteComment({ actor: actors.member, input: { orgId: org.id, commentId: comment.id } });
    expect(await getCommentStats({ actor: actors.member, orgId: org.id })).toEqual({ last30Days: 1 });
    // An old comment is not counted.
    await getDb().update(taskComments).set({ createdAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) }).where(eq(taskComments.orgId, org.id));
    await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "new" } });
    expect(await getCommentStats({ actor: actors.member, orgId: org.id })).toEqual({ last30Days: 1 });
  });

  it("a deleted task takes its comments along", async () => {
    const { org, task, actors } = await setup();
    await createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "bye" } });
    await deleteTask({ actor: actors.owner, input: { orgId: org.id, taskId: task.id } });
    expect(await getDb().select().from(taskComments).where(eq(taskComments.taskId, task.id))).toEqual([]);
  });

  it("the mention email is not sent to someone edited out of the comment, or who left the org", async () => {
    const { org, owner, admin, member, task, actors } = await setup();
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin @Mia Member" } });
    expect(await getMentionEmail({ commentId: comment.id, userId: admin.id, actorId: owner.id })).toMatchObject({ recipientEmail: admin.email, title: "Fix the footer" });
    await updateComment({ actor: actors.owner, input: { orgId: org.id, commentId: comment.id, body: "@Mia Member only" } });
    expect(await getMentionEmail({ commentId: comment.id, userId: admin.id, actorId: owner.id })).toBeNull();
    await removeMember({ actor: actors.member, input: { orgId: org.id, userId: member.id } });
    expect(await getMentionEmail({ commentId: comment.id, userId: member.id, actorId: owner.id })).toBeNull();
  });
});

describe("comments: ambiguity, deleted orgs, query budget", () => {
  beforeEach(() => setEventSenderForTests(async () => {}));
  afterEach(() => setEventSenderForTests(undefined));

  it("a name two members share is refused with a message asking for the address, and nothing is written", async () => {
    const { org, task, actors } = await setup();
    const twin = await createUser({ name: "Mia Member" });
    await addMember(org.id, twin.id, "member");
    const before = await snapshotOrg(org.id);
    await expect(createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@mia member hello" } })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { body: ["More than one member is called “@mia member”: mention them by email address instead."] },
    });
    expect(await snapshotOrg(org.id)).toEqual(before);
    const byEmail = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: `@${twin.email} hello` } });
    expect(await mentionEvents(byEmail.id)).toEqual([twin.id]);
  });

  it("no mention email goes out for an organization scheduled for deletion", async () => {
    const { org, owner, member, task, actors } = await setup();
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Mia Member look" } });
    await getDb().update(organizations).set({ deletedAt: new Date(), purgeAfter: new Date(Date.now() + 86_400_000) }).where(eq(organizations.id, org.id));
    expect(await getMentionEmail({ commentId: comment.id, userId: member.id, actorId: owner.id })).toBeNull();
  });

  it("a page of comments costs one query for 2 or 40 comments, served by the task's index", async () => {
    const { org, owner, task, actors } = await setup();
    const count = async () => {
      await listTaskComments({ actor: actors.member, orgId: org.id, taskId: task.id }); // warms the membership cache
      return (await withQueryCount(() => listTaskComments({ actor: actors.member, orgId: org.id, taskId: task.id }))).count;
    };
    const insert = (n: number) =>
      getDb().insert(taskComments).values(Array.from({ length: n }, (_, i) => ({ orgId: org.id, taskId: task.id, authorId: owner.id, body: `@Mia Member ${i}`, mentionedUserIds: [owner.id] })));
    await insert(2);
    expect(await count()).toBe(1);
    await insert(38);
    expect(await count()).toBe(1);
  });
});

describe("mention mail limits", () => {
  beforeEach(() => {
    setRateLimiterForTests(createMemoryLimiter());
    setEventSenderForTests(async () => {});
  });
  afterEach(() => {
    setRateLimiterForTests(undefined);
    setEventSenderForTests(undefined);
  });

  it("one member is emailed about a limited number of mentions an hour; over it the comment is refused whole", async () => {
    const { org, task, actors } = await setup();
    for (let i = 0; i < rateLimitPolicies["mention-mail-recipient"].limit; i++) {
      await createComment({ actor: i % 2 ? actors.owner : actors.admin, input: { orgId: org.id, taskId: task.id, body: `@Mia Member ${i}` } });
    }
    const before = await snapshotOrg(org.id);
    await expect(createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Mia Member once more" } })).rejects.toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/^This person was emailed about too many mentions recently\. Try again in \d+ minutes, or post it without the @\.$/),
    });
    expect(await snapshotOrg(org.id)).toEqual(before);
    const queued = await mentionEventCount(org.id);
    // Mentioning someone else too: still refused whole, and the other person's allowance is given back.
    await expect(createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin @Mia Member" } })).rejects.toMatchObject({ code: "rate_limited" });
    expect(await mentionEventCount(org.id)).toBe(queued);
    // Without the mention it goes through.
    await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "Mia Member once more" } });
  });

  it("a refused comment uses none of the allowance of the other people it mentions", async () => {
    const { org, task, actors } = await setup();
    const limit = rateLimitPolicies["mention-mail-recipient"].limit;
    for (let i = 0; i < limit; i++) {
      await createComment({ actor: i % 2 ? actors.owner : actors.admin, input: { orgId: org.id, taskId: task.id, body: `@Mia Member ${i}` } });
    }
    // Refused many times over because of Mia; Adam is mentioned first each time.
    for (let i = 0; i < 5; i++) {
      await expect(createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin @Mia Member" } })).rejects.toMatchObject({ code: "rate_limited" });
    }
    // Adam's whole allowance is still there.
    for (let i = 0; i < limit; i++) {
      await createComment({ actor: i % 2 ? actors.owner : actors.member, input: { orgId: org.id, taskId: task.id, body: `@Adam Admin ${i}` } });
    }
    await expect(createComment({ actor: actors.member, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin one too many" } })).rejects.toMatchObject({ code: "rate_limited" });
  });
});

describe("comment mention emails, through the outbox and the in-process executor", () => {
  it("each mentioned member gets one email naming who mentioned them, the task, the comment and a link to the task", async () => {
    const { org, admin, member, project, task, actors } = await setup();
    await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Adam Admin @Mia Member can you check the\nfooter links?" } });
    await drainJobs();
    for (const person of [admin, member]) {
      const mail = await mailTo(person.email);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.subject).toBe("Olivia Owner mentioned you on “Fix the footer”");
      expect(mail[0]!.text).toContain("can you check the\nfooter links?");
      expect(mail[0]!.text).toContain(`http://localhost:3000/${org.slug}/projects/${project.id}/tasks/${task.id}\n`);
    }
  });
});
