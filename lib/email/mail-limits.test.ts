import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outboxEvents, reports, userTokens } from "@/db/schema";
import { resendVerificationEmail } from "@/lib/auth/account";
import { createMemoryLimiter, RateLimitError, setRateLimiterForTests } from "@/lib/cache/rate-limit";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import { getDb } from "@/lib/db/client";
import { createInvitation } from "@/lib/orgs/invitations";
import { createReport } from "@/lib/data-transfers/reports";
import { createTask, updateTask } from "@/lib/projects/tasks";
import { addMember, createOrg, createOrgWithRoles, createProjectFor, createUser, snapshotOrg, uniqueEmail } from "@/lib/testing/factories";

// Every mail the app sends is limited per sender and per recipient; over a limit the request is refused with a message
// that says so, and nothing is written (no token, invitation, task change, report or outbox event).

beforeEach(() => setRateLimiterForTests(createMemoryLimiter()));
afterEach(() => setRateLimiterForTests(undefined));

const limitOf = (policy: keyof typeof rateLimitPolicies) => rateLimitPolicies[policy].limit;

async function refusal(promise: Promise<unknown>): Promise<RateLimitError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateLimitError);
  expect(error).toMatchObject({ code: "rate_limited", status: 429 });
  return error as RateLimitError;
}

async function outboxCount(name: string, match: string) {
  const [row] = await getDb()
    .select({ n: sql<number>`count(*)::int` })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.name, name), sql`${outboxEvents.data}::text like ${`%${match}%`}`));
  return row!.n;
}

describe("mail limits", () => {
  it("verification links: a user can ask for a few, then is told to check the inbox, and the last link stays valid", async () => {
    const user = await createUser({ emailVerified: null, email: uniqueEmail("unverified") });
    for (let i = 0; i < limitOf("verification-mail"); i++) await resendVerificationEmail({ userId: user.id });
    const tokensBefore = await getDb().select().from(userTokens).where(eq(userTokens.userId, user.id));
    const queuedBefore = await outboxCount("auth/verification-email.requested", user.id);

    const error = await refusal(resendVerificationEmail({ userId: user.id }));
    expect(error.message).toMatch(/^We sent you several verification links already\. Check your inbox and spam folder, or try again in \d+ minutes\.$/);
    expect(await getDb().select().from(userTokens).where(eq(userTokens.userId, user.id))).toEqual(tokensBefore);
    expect(await outboxCount("auth/verification-email.requested", user.id)).toBe(queuedBefore);
  });

  it("invitations: one address gets a few a day, from all organizations together", async () => {
    const target = uniqueEmail("popular");
    for (let i = 0; i < limitOf("invitation-mail-recipient"); i++) {
      const { org, actors } = await createOrgWithRoles();
      await createInvitation({ actor: actors.admin, input: { orgId: org.id, email: target, role: "member" } });
    }
    const { org, actors } = await createOrgWithRoles();
    const before = await snapshotOrg(org.id);
    const error = await refusal(createInvitation({ actor: actors.admin, input: { orgId: org.id, email: target.toUpperCase(), role: "member" } }));
    expect(error.message).toMatch(/^This address has received too many invitations recently\. Try again in \d+ hours\.$/);
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("invitations: one user sends a limited number an hour, across organizations", async () => {
    const inviter = await createUser({ name: "Ivy Inviter" });
    const orgs = [await createOrg(), await createOrg()];
    for (const org of orgs) await addMember(org.id, inviter.id, "admin");
    for (let i = 0; i < limitOf("invitation-mail-user"); i++) {
      await createInvitation({ actor: { userId: inviter.id }, input: { orgId: orgs[i % 2]!.id, email: uniqueEmail("guest"), role: "member" } });
    }
    const before = await snapshotOrg(orgs[0]!.id);
    const error = await refusal(createInvitation({ actor: { userId: inviter.id }, input: { orgId: orgs[0]!.id, email: uniqueEmail("guest"), role: "member" } }));
    expect(error.message).toMatch(/^You sent too many invitations recently\. Try again in \d+ minutes\.$/);
    expect(await snapshotOrg(orgs[0]!.id)).toEqual(before);
  });

  it("task assignments: one person is emailed about a limited number an hour; over it the change is refused whole", async () => {
    const { org, actors, member } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.admin.userId);
    for (let i = 0; i < limitOf("task-mail-recipient"); i++) {
      await createTask({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, title: `Task ${i}`, assigneeId: member.id } });
    }
    // Unassigned tasks send nothing and are never refused.
    const unassigned = await createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "Later" } });
    const before = await snapshotOrg(org.id);
    const created = await refusal(createTask({ actor: actors.owner, input: { orgId: org.id, projectId: project.id, title: "One more", assigneeId: member.id } }));
    expect(created.message).toMatch(/^This person was emailed about too many assigned tasks recently\. Try again in \d+ minutes, or leave it unassigned for now\.$/);
    await refusal(updateTask({ actor: actors.owner, input: { orgId: org.id, taskId: unassigned.id, assigneeId: member.id, title: "Renamed" } }));
    expect(await snapshotOrg(org.id)).toEqual(before);
    // Assigning to oneself emails nobody.
    await updateTask({ actor: actors.member, input: { orgId: org.id, taskId: unassigned.id, assigneeId: member.id } });
  });

  it("task assignments: one user emails others about a limited number an hour", async () => {
    const { org, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, actors.admin.userId);
    const assignees = await Promise.all([1, 2, 3, 4].map(() => createUser()));
    for (const a of assignees) await addMember(org.id, a.id, "member");
    for (let i = 0; i < limitOf("task-mail-user"); i++) {
      await createTask({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, title: `Task ${i}`, assigneeId: assignees[i % 4]!.id } });
    }
    const before = await snapshotOrg(org.id);
    const error = await refusal(createTask({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, title: "One more", assigneeId: assignees[0]!.id } }));
    expect(error.message).toMatch(/^You assigned too many tasks to others recently \(each one emails them\)\. Try again in \d+ minutes, or leave it unassigned for now\.$/);
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("reports: the requester is emailed for a limited number an hour", async () => {
    const { org, actors } = await createOrgWithRoles();
    for (let i = 0; i < limitOf("report-mail"); i++) await createReport({ actor: actors.member, input: { orgId: org.id, kind: "tasks" } });
    const count = async () => (await getDb().select().from(reports).where(eq(reports.orgId, org.id))).length;
    const before = await count();
    const error = await refusal(createReport({ actor: actors.member, input: { orgId: org.id, kind: "activity" } }));
    expect(error.message).toMatch(/^You asked for too many reports recently\. Try again in \d+ minutes\.$/);
    expect(await count()).toBe(before);
    // Someone else in the org still can.
    await createReport({ actor: actors.admin, input: { orgId: org.id, kind: "tasks" } });
  });
});
