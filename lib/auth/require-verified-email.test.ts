import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reports } from "@/db/schema";
import { registerUser, verifyEmail } from "@/lib/auth/account";
import { getDb } from "@/lib/db/client";
import { createInvitation } from "@/lib/orgs/invitations";
import { listUserOrganizations } from "@/lib/orgs/get-org-context";
import { createProject } from "@/lib/projects/projects";
import { createReport } from "@/lib/data-transfers/reports";
import { createTask, updateTask } from "@/lib/projects/tasks";
import { addMember, createOrgWithRoles, createUser, mailTo, snapshotOrg, uniqueEmail } from "@/lib/testing/factories";

// The pre-account hijack: someone signs up with an address that is not theirs. Until the address is proven they may
// use their own workspace, but the app mails nobody on their behalf; the only mail they can cause is their own
// verification (to the real owner of the address, who can then take it over with a password reset).

async function unverifiedSignUp() {
  const email = uniqueEmail("victim");
  const { userId, orgSlug, verificationToken } = await registerUser({ input: { name: "Mallory", email, password: "attacker-pass-1" } });
  const [org] = await listUserOrganizations(userId);
  expect(org?.slug).toBe(orgSlug);
  return { email, actor: { userId }, orgId: org!.id, verificationToken };
}

describe("unverified accounts", () => {
  it("use their own workspace: projects and tasks for themselves", async () => {
    const { actor, orgId } = await unverifiedSignUp();
    const project = await createProject({ actor, input: { orgId, name: "Mine" } });
    await createTask({ actor, input: { orgId, projectId: project.id, title: "For me", assigneeId: actor.userId } });
  });

  it("cannot invite anyone: a clear refusal, nothing stored, no mail", async () => {
    const { actor, orgId } = await unverifiedSignUp();
    const target = uniqueEmail("target");
    const before = await snapshotOrg(orgId);
    const refusal = createInvitation({ actor, input: { orgId, email: target, role: "owner" } });
    await expect(refusal).rejects.toMatchObject({ code: "forbidden", status: 403 });
    await expect(refusal).rejects.toThrow(/Verify your email address before inviting anyone/);
    expect(await snapshotOrg(orgId)).toEqual(before);
    expect(await mailTo(target)).toEqual([]);
  });

  it("can invite once verified", async () => {
    const { actor, orgId, verificationToken } = await unverifiedSignUp();
    await verifyEmail({ token: verificationToken });
    const target = uniqueEmail("target");
    await createInvitation({ actor, input: { orgId, email: target, role: "member" } });
    expect(await mailTo(target)).toHaveLength(1);
  });

  it("cannot assign tasks to others (each assignment mails the assignee), on create or on edit", async () => {
    const { org, owner } = await createOrgWithRoles();
    const unverified = await createUser({ emailVerified: null });
    await addMember(org.id, unverified.id, "member");
    const actor = { userId: unverified.id };
    const project = await createProject({ actor: { userId: owner.id }, input: { orgId: org.id, name: "Shared" } });
    const before = await snapshotOrg(org.id);

    await expect(createTask({ actor, input: { orgId: org.id, projectId: project.id, title: "Yours", assigneeId: owner.id } })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/^Verify your email address before assigning tasks to others/),
    });
    expect(await snapshotOrg(org.id)).toEqual(before);

    const task = await createTask({ actor, input: { orgId: org.id, projectId: project.id, title: "Unassigned" } });
    await expect(updateTask({ actor, input: { orgId: org.id, taskId: task.id, assigneeId: owner.id } })).rejects.toMatchObject({ code: "forbidden" });
    // Other edits, and taking a task themselves, are fine.
    await updateTask({ actor, input: { orgId: org.id, taskId: task.id, title: "Renamed", assigneeId: unverified.id } });
    expect(await mailTo(owner.email)).toEqual([]);
  });

  it("get their report on the data page, not by email", async () => {
    const { actor, orgId, email } = await unverifiedSignUp();
    const { reportId } = await createReport({ actor, input: { orgId, kind: "tasks" } });
    const messages = await mailTo(email); // runs the queued jobs, the report's included
    const [report] = await getDb().select({ status: reports.status }).from(reports).where(eq(reports.id, reportId));
    expect(report?.status).toBe("completed");
    // Only the verification mail of the sign-up: nothing about the report.
    expect(messages.map((m) => m.subject)).toHaveLength(1);
    expect(messages[0]!.subject).not.toMatch(/report/i);
  });
});
