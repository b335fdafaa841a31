import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound, listUserOrganizations, prefetchSessionMemberships } from "@/lib/orgs/get-org-context";
import { signOutAction } from "../../(auth)/actions";
import { NavLinks } from "./_components/nav-links";
import { OrgSwitcher } from "./_components/org-switcher";
import { UserMenu } from "./_components/user-menu";
import { VerifyBanner } from "./_components/verify-banner";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  void prefetchSessionMemberships();
  const user = await requireUserOrRedirect(`/${slug}`);
  const [{ org }, orgs] = await Promise.all([getOrgContextOrNotFound(user.id, slug), listUserOrganizations(user.id)]);
  // Each part once, for both layouts (app/globals.css, .shell): below lg a sticky bar (organization, account, tabs),
  // from lg up a sidebar (logo, organization, navigation, account at the foot). The source order follows the sidebar,
  // so from the keyboard the account menu comes after the tabs below lg too.
  return (
    <div className="shell">
      <header className="shell-bar">
        <div className="shell-logo"><Logo href={`/${org.slug}`} /></div>
        <div className="shell-switcher"><OrgSwitcher current={org} orgs={orgs} /></div>
        <nav aria-label="Organization" className="shell-nav"><NavLinks slug={org.slug} /></nav>
        <div className="shell-user"><UserMenu name={user.name} email={user.email} settingsHref={`/${org.slug}/settings`} signOut={signOutAction} /></div>
      </header>
      <div className="flex min-w-0 flex-col">
        {user.emailVerified ? null : <VerifyBanner email={user.email} />}
        <main id="main" className="shell-main">{children}</main>
      </div>
    </div>
  );
}
