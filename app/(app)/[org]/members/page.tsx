import { Mail } from "lucide-react";
import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { listOpenInvitations } from "@/lib/orgs/invitations";
import { listMembers } from "@/lib/orgs/members";
import { can, canManageRole, roleLabels, roles } from "@/lib/orgs/permissions";
import { PageHeader } from "../_components/page-header";
import { InviteForm, RevokeInvitationButton } from "./_components/invite-form";
import { MemberRow } from "./_components/member-row";

export const metadata: Metadata = { title: "Members" };

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const user = await requireUserOrRedirect(`/${slug}/members`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  const actor = { userId: user.id };
  const canInvite = can(role, "invitation:create");
  const [members, invitations] = await Promise.all([
    listMembers({ actor, orgId: org.id }),
    canInvite ? listOpenInvitations({ actor, orgId: org.id }) : Promise.resolve([]),
  ]);
  const invitableRoles = roles.filter((r) => canManageRole(role, undefined, r));
  return (
    <>
      <PageHeader title="Members" description={`${members.length} ${members.length === 1 ? "person" : "people"} in ${org.name}.`} />
      {canInvite ? (
        <Card className="mb-6">
          <CardHeader title="Invite a teammate" description="They get an email with a link that works once and expires in 7 days." />
          <CardBody><InviteForm orgId={org.id} roles={invitableRoles} /></CardBody>
        </Card>
      ) : null}
      <Card>
        <CardHeader title="People" />
        <ul className="divide-y divide-zinc-100">
          {members.map((m) => {
            const isSelf = m.userId === user.id;
            const mayManage = !isSelf && can(role, "member:change-role") && canManageRole(role, m.role);
            return (
              <MemberRow
                key={m.userId}
                orgId={org.id}
                member={m}
                isSelf={isSelf}
                assignableRoles={mayManage ? roles.filter((r) => canManageRole(role, m.role, r)) : []}
                canRemove={!isSelf && can(role, "member:remove") && canManageRole(role, m.role)}
              />
            );
          })}
        </ul>
      </Card>
      {canInvite ? (
        <Card className="mt-6">
          <CardHeader title="Pending invitations" />
          {invitations.length === 0 ? (
            <EmptyState icon={<Mail className="size-5" />} title="No pending invitations" description="Invitations you send appear here until they are accepted." />
          ) : (
            <ul className="divide-y divide-zinc-100">
              {invitations.map((inv) => (
                <li key={inv.id} className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
                  <div className="min-w-0">
                    <p className="truncate font-medium text-zinc-900">{inv.email}</p>
                    <p className="text-sm text-zinc-500">
                      <Badge>{roleLabels[inv.role]}</Badge> · expires {dateFormat.format(inv.expiresAt)}
                    </p>
                  </div>
                  <RevokeInvitationButton orgId={org.id} invitationId={inv.id} email={inv.email} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
    </>
  );
}
