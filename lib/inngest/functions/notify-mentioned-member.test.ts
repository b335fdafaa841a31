import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commentMentioned } from "@/lib/comments/events";
import { createComment, deleteComment } from "@/lib/comments/comments";
import { notifyMentionedMember } from "@/lib/inngest/functions/notify-mentioned-member";
import { createOrgWithRoles, createProjectFor, createTaskFor, mailTo } from "@/lib/testing/factories";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// A comment with a mention queues this very job; its event is swallowed here so that only the runs below send mail.
beforeEach(() => setEventSenderForTests(async () => {}));
afterEach(() => setEventSenderForTests(undefined));

function run(data: { commentId: string; orgId: string; userId: string; actorId: string }) {
  return new InngestTestEngine({ function: notifyMentionedMember }).execute({ events: [{ id: randomUUID(), name: commentMentioned.name, data }] });
}

describe("notify-mentioned-member", () => {
  it("emails the mentioned member who mentioned them where, with the start of a long comment", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const task = await createTaskFor(org.id, project.id, owner.id, "Launch plan");
    const body = `@Mia Member ${"long words ".repeat(60)}`;
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body } });

    const { result, error } = await run({ commentId: comment.id, orgId: org.id, userId: member.id, actorId: owner.id });

    expect(error).toBeUndefined();
    expect(result).toEqual({ sent: true });
    const [mail] = await mailTo(member.email);
    expect(mail!.subject).toBe("Olivia Owner mentioned you on “Launch plan”");
    expect(mail!.text).toContain(`${body.slice(0, 300).trimEnd()}…`);
    expect(mail!.text).not.toContain(body.trim());
    expect(mail!.html).toContain(`/${org.slug}/projects/${project.id}/tasks/${task.id}`);
  });

  it("sends nothing once the comment is deleted", async () => {
    const { org, owner, member, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const task = await createTaskFor(org.id, project.id, owner.id);
    const comment = await createComment({ actor: actors.owner, input: { orgId: org.id, taskId: task.id, body: "@Mia Member hi" } });
    await deleteComment({ actor: actors.owner, input: { orgId: org.id, commentId: comment.id } });

    const { result } = await run({ commentId: comment.id, orgId: org.id, userId: member.id, actorId: owner.id });

    expect(result).toEqual({ sent: false });
    expect(await mailTo(member.email)).toEqual([]);
  });
});
