import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getActivitySummary } from "@/lib/activity/get-activity-summary";
import { listRecentActivity } from "@/lib/activity/list-activity";
import { reportRequested } from "@/lib/data-transfers/events";
import { generateReport } from "@/lib/inngest/functions/generate-report";
import { revokeInvitation } from "@/lib/orgs/invitations";
import { createReport, getReportFile } from "@/lib/data-transfers/reports";
import { createInvitationFor, createOrgWithRoles, uniqueEmail } from "@/lib/testing/factories";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// Invitations are for managers: a plain member reading the activity (feed, dashboard fragment, activity report) sees
// that someone was invited, never the address.

beforeEach(() => setEventSenderForTests(async () => {}));
afterEach(() => setEventSenderForTests(undefined));

async function orgWithInvitations() {
  const ctx = await createOrgWithRoles();
  const kept = uniqueEmail("kept-invitee");
  const withdrawn = uniqueEmail("withdrawn-invitee");
  await createInvitationFor(ctx.org.id, ctx.admin.id, kept, "admin");
  const revoked = await createInvitationFor(ctx.org.id, ctx.owner.id, withdrawn);
  await revokeInvitation({ actor: ctx.actors.owner, input: { orgId: ctx.org.id, invitationId: revoked.id } });
  return { ...ctx, addresses: [kept, withdrawn] };
}

const invitationEvents = <T extends { type: string }>(items: T[]) => items.filter((i) => i.type.startsWith("invitation."));

describe("activity redaction", () => {
  it("the feed shows invited addresses to owners and admins, not to members", async () => {
    const ctx = await orgWithInvitations();

    for (const manager of [ctx.actors.owner, ctx.actors.admin]) {
      const events = invitationEvents(await listRecentActivity({ actor: manager, orgId: ctx.org.id }));
      expect(events.map((e) => [e.type, e.data.email])).toEqual([
        ["invitation.revoked", ctx.addresses[1]],
        ["invitation.created", ctx.addresses[1]],
        ["invitation.created", ctx.addresses[0]],
      ]);
    }

    const seenByMember = await listRecentActivity({ actor: ctx.actors.member, orgId: ctx.org.id });
    expect(invitationEvents(seenByMember).map((e) => [e.type, e.data])).toEqual([
      ["invitation.revoked", {}],
      ["invitation.created", { role: "member" }],
      ["invitation.created", { role: "admin" }],
    ]);
    for (const address of ctx.addresses) expect(JSON.stringify(seenByMember)).not.toContain(address);
  });

  it("the cached dashboard fragment is redacted per reader: a manager warming the cache does not leak to a member", async () => {
    const ctx = await orgWithInvitations();

    const forAdmin = await getActivitySummary({ actor: ctx.actors.admin, orgId: ctx.org.id });
    expect(JSON.stringify(forAdmin.recent)).toContain(ctx.addresses[0]);
    const forMember = await getActivitySummary({ actor: ctx.actors.member, orgId: ctx.org.id });
    for (const address of ctx.addresses) expect(JSON.stringify(forMember)).not.toContain(address);
    expect(invitationEvents(forMember.recent)).toHaveLength(3);
    // ...and the member's read did not change what the admin gets.
    expect(JSON.stringify((await getActivitySummary({ actor: ctx.actors.admin, orgId: ctx.org.id })).recent)).toContain(ctx.addresses[1]);
  });

  it("an activity report, which every member may download, leaves the addresses out", async () => {
    const ctx = await orgWithInvitations();
    const { reportId } = await createReport({ actor: ctx.actors.owner, input: { orgId: ctx.org.id, kind: "activity" } });
    const { error } = await new InngestTestEngine({ function: generateReport }).execute({
      events: [{ id: randomUUID(), name: reportRequested.name, data: { reportId, orgId: ctx.org.id } }],
    });
    expect(error).toBeUndefined();

    const file = await getReportFile({ actor: ctx.actors.member, orgId: ctx.org.id, reportId });
    const text = await new Response(file.body).text();
    for (const address of ctx.addresses) expect(text).not.toContain(address);
    const [, ...lines] = parse(text) as string[][];
    expect(lines.filter((l) => l[2] === "invitation.created").map((l) => l[5])).toEqual(['{"role":"admin"}', '{"role":"member"}']);
  });
});
