import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { getOrgContextOrNotFound, listUserOrganizations } from "@/lib/orgs/get-org-context";
import { signOutAction } from "../../(auth)/actions";
import { NavLinks } from "./_components/nav-links";
import { OrgSwitcher } from "./_components/org-switcher";
import { UserMenu } from "./_components/user-menu";
import { VerifyBanner } from "./_components/verify-banner";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const user = await requireUserOrRedirect(`/${slug}`);
  const [{ org }, orgs] = await Promise.all([getOrgContextOrNotFound(user.id, slug), listUserOrganizations(user.id)]);
  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[16rem_1fr]">
      <aside className="hidden border-r border-zinc-200 bg-white lg:flex lg:flex-col">
        <div className="flex h-16 items-center px-5"><Logo href={`/${org.slug}`} /></div>
        <div className="px-3"><OrgSwitcher current={org} orgs={orgs} /></div>
        <nav aria-label="Organization" className="mt-4 flex-1 px-3"><NavLinks slug={org.slug} layout="sidebar" /></nav>
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/95 backdrop-blur">
          <div className="flex h-16 items-center justify-between gap-3 px-4 sm:px-6">
            <div className="min-w-0 flex-1 lg:hidden"><OrgSwitcher current={org} orgs={orgs} /></div>
            <div className="hidden lg:block" />
            <UserMenu name={user.name} email={user.email} settingsHref={`/${org.slug}/settings`} signOut={signOutAction} />
          </div>
          <nav aria-label="Organization sections" className="border-t border-zinc-100 px-2 py-1 lg:hidden">
            <NavLinks slug={org.slug} layout="tabs" />
          </nav>
        </header>
        {user.emailVerified ? null : <VerifyBanner email={user.email} />}
        <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6 sm:py-8">{children}</main>
      </div>
    </div>
  );
}
