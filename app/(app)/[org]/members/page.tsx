import { Icon } from "@/components/icon";
import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { listOpenInvitations } from "@/lib/orgs/invitations";
import { listMembers } from "@/lib/orgs/members";
import { can, canManageRole, roleLabels, roles, orgPermissions } from "@/lib/orgs/permissions";
import { PageHeader } from "../_components/page-header";
import { InviteForm, RevokeInvitationButton } from "./_components/invite-form";
import { MemberRow } from "./_components/member-row";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Members" };

const numberFormat = new Intl.NumberFormat("en-GB");

// People per page: an organization of a thousand members rendered every row (each with its role and remove forms),
// 1.6 s at the 95th percentile under load; a page of 50 costs the same at any size (bench/scale.ts).
const PAGE_SIZE = 50;

/** The 1-based page asked for, or 1 for anything that is not a page number (`?page=abc`, `?page=0`, an array). */
function pageNumber(value: string | string[] | undefined): number {
  const n = typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(1, n);
}

export default async function MembersPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org: slug } = await params;
  const user = await requireUserOrRedirect(`/${slug}/members`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  const actor = { userId: user.id };
  const canInvite = can(role, orgPermissions["invitation:create"]);
  const [members, invitations] = await Promise.all([
    listMembers({ actor, orgId: org.id }),
    canInvite ? listOpenInvitations({ actor, orgId: org.id }) : Promise.resolve([]),
  ]);
  const invitableRoles = roles.filter((r) => canManageRole(role, undefined, r));
  // The list is cached whole per organization (lib/orgs/members.ts); only a page of it is rendered.
  const pages = Math.max(1, Math.ceil(members.length / PAGE_SIZE));
  const page = Math.min(pageNumber((await searchParams).page), pages);
  const shown = members.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const pageHref = (n: number) => (n === 1 ? `/${org.slug}/members` : `/${org.slug}/members?page=${n}`);
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
        <CardHeader
          title="People"
          description={pages > 1 ? `${numberFormat.format((page - 1) * PAGE_SIZE + 1)}–${numberFormat.format((page - 1) * PAGE_SIZE + shown.length)} of ${numberFormat.format(members.length)}, in the order they joined.` : undefined}
        />
        <ul className="divide-y divide-zinc-100">
          {shown.map((m) => {
            const isSelf = m.userId === user.id;
            const mayManage = !isSelf && can(role, orgPermissions["member:change-role"]) && canManageRole(role, m.role);
            return (
              <MemberRow
                key={m.userId}
                orgId={org.id}
                member={m}
                isSelf={isSelf}
                assignableRoles={mayManage ? roles.filter((r) => canManageRole(role, m.role, r)) : []}
                canRemove={!isSelf && can(role, orgPermissions["member:remove"]) && canManageRole(role, m.role)}
              />
            );
          })}
        </ul>
      </Card>
      {pages > 1 ? (
        <nav aria-label="Pages of members" className="mt-4 flex items-center justify-between gap-3">
          {page > 1 ? <Link href={pageHref(page - 1)} className={buttonClasses("secondary", "sm")}>Previous page</Link> : <span />}
          <span className="text-sm text-zinc-500">Page {page} of {pages}</span>
          {page < pages ? <Link href={pageHref(page + 1)} className={buttonClasses("secondary", "sm")}>Next page</Link> : <span />}
        </nav>
      ) : null}
      {canInvite ? (
        <Card className="mt-6">
          <CardHeader title="Pending invitations" />
          {invitations.length === 0 ? (
            <EmptyState icon={<Icon name="mail" className="size-5" />} title="No pending invitations" description="Invitations you send appear here until they are accepted." />
          ) : (
            <ul className="divide-y divide-zinc-100">
              {invitations.map((inv) => (
                <li key={inv.id} className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
                  <div className="min-w-0">
                    <p className="truncate font-medium text-zinc-900">{inv.email}</p>
                    <p className="text-sm text-zinc-500">
                      <Badge>{roleLabels[inv.role]}</Badge> · expires {formatDate(inv.expiresAt)}
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
