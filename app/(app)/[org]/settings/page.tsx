import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getEnv } from "@/lib/env";
import { getOrgContextOrNotFound } from "@/lib/orgs/get-org-context";
import { can, orgPermissions } from "@/lib/orgs/permissions";
import { PageHeader } from "../_components/page-header";
import { DeleteOrganizationForm, OrganizationForm, PasswordForm, ProfileForm, SignOutEverywhereForm } from "./_components/settings-forms";

export const metadata: Metadata = { title: "Settings" };

type Props = { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const graceDays = () => getEnv().ORG_DELETION_GRACE_DAYS;

export default async function SettingsPage({ params, searchParams }: Props) {
  const { org: slug } = await params;
  const query = await searchParams;
  const saved = query.saved === "1";
  const passwordChanged = query.password === "changed";
  const user = await requireUserOrRedirect(`/${slug}/settings`);
  const { org, role } = await getOrgContextOrNotFound(user.id, slug);
  return (
    <>
      <PageHeader title="Settings" description={can(role, orgPermissions["org:update"]) ? "Your account, and this organization." : "Your account."} />
      {saved ? <Alert tone="success" className="mb-6">Organization saved.</Alert> : null}
      {passwordChanged ? <Alert tone="success" className="mb-6">Password changed. Your other sessions were signed out.</Alert> : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Profile" />
          <CardBody><ProfileForm name={user.name ?? ""} email={user.email} /></CardBody>
        </Card>
        <Card>
          <CardHeader title="Password" />
          <CardBody><PasswordForm path={`/${org.slug}/settings`} /></CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader title="Sessions" description="Signed in on a shared or lost device? Sign out everywhere, this browser included." />
          <CardBody><SignOutEverywhereForm /></CardBody>
        </Card>
        {can(role, orgPermissions["org:update"]) ? (
          <Card className="lg:col-span-2">
            <CardHeader title="Organization" description="Name and address of this organization." />
            <CardBody><OrganizationForm orgId={org.id} name={org.name} slug={org.slug} /></CardBody>
          </Card>
        ) : null}
        {can(role, orgPermissions["org:delete"]) ? (
          <Card className="border-red-200 lg:col-span-2">
            <CardHeader
              title="Delete organization"
              description={`Removes the organization for every member at once. You can undo it for ${graceDays()} days; after that it is erased with all its projects, tasks, invitations and activity.`}
            />
            <CardBody><DeleteOrganizationForm orgId={org.id} /></CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
