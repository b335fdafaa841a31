import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Logo } from "@/components/logo";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import Link from "next/link";
import { listUserOrganizations } from "@/lib/orgs/get-org-context";
import { listDeletedOrganizations } from "@/lib/orgs/delete-organization";
import { CreateOrganizationForm } from "../[org]/_components/create-organization-form";

export const metadata: Metadata = { title: "Your workspace" };

/** /app: where sign-in lands. Goes to the user's first organization, or offers to create one. */
export default async function AppHomePage() {
  const user = await requireUserOrRedirect("/app");
  const orgs = await listUserOrganizations(user.id);
  if (orgs[0]) redirect(`/${orgs[0].slug}`);
  const deleted = await listDeletedOrganizations({ actor: { userId: user.id } });
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center">
      <Logo />
      <main id="main" className="mt-8 w-full max-w-md rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-2xl font-bold tracking-tight">Create an organization</h1>
        <p className="mt-1 text-sm text-zinc-600">You are not a member of any organization yet. Create one, or ask a teammate to invite you.</p>
        <CreateOrganizationForm />
        {deleted.length > 0 ? (
          <Link href="/app/deleted" className="mt-4 block text-center text-sm text-zinc-600 underline hover:text-zinc-900">
            Organizations scheduled for deletion ({deleted.length})
          </Link>
        ) : null}
      </main>
    </div>
  );
}
