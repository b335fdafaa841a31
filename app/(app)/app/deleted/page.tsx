import type { Metadata } from "next";
import Link from "next/link";
import { Logo } from "@/components/logo";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { listDeletedOrganizations } from "@/lib/orgs/delete-organization";
import { RestoreOrganizationForm } from "./restore-form";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Scheduled for deletion" };


/**
 * The one place a deleted organization still shows: to its owners, with the date it will be erased and a way to undo.
 * Members see nothing of it any more (lib/orgs/delete-organization.ts).
 */
export default async function DeletedOrganizationsPage() {
  const user = await requireUserOrRedirect("/app/deleted");
  const orgs = await listDeletedOrganizations({ actor: { userId: user.id } });
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center">
      <Logo href="/app" />
      <main id="main" className="mt-8 w-full max-w-lg rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-2xl font-bold tracking-tight">Scheduled for deletion</h1>
        {orgs.length === 0 ? (
          <p className="mt-2 text-sm text-zinc-600">None of your organizations is scheduled for deletion.</p>
        ) : (
          <>
            <p className="mt-1 text-sm text-zinc-600">
              Nobody can open these any more. Until the date shown you can undo the deletion; after it they are erased for good.
            </p>
            <ul className="mt-6 divide-y divide-zinc-100">
              {orgs.map((org) => (
                <li key={org.id} className="flex flex-col gap-3 py-4 sm:flex-row sm:items-center sm:justify-between">
                  <div className="min-w-0">
                    <p className="truncate font-medium">{org.name}</p>
                    <p className="text-sm text-zinc-600">
                      Erased on <time dateTime={org.purgeAfter.toISOString()}>{formatDateTime(org.purgeAfter)} UTC</time>
                    </p>
                    <p className="text-xs text-zinc-500">
                      Deleted on <time dateTime={org.deletedAt.toISOString()}>{formatDateTime(org.deletedAt)} UTC</time>
                    </p>
                  </div>
                  <RestoreOrganizationForm orgId={org.id} name={org.name} />
                </li>
              ))}
            </ul>
          </>
        )}
        <Link href="/app" className="mt-6 block text-center text-sm text-zinc-600 hover:text-zinc-900">Back to your workspace</Link>
      </main>
    </div>
  );
}
