import type { Metadata } from "next";
import Link from "next/link";
import { Logo } from "@/components/logo";
import { requireUserOrRedirect } from "@/lib/auth/current-user";
import { CreateOrganizationForm } from "../../[org]/_components/create-organization-form";

export const metadata: Metadata = { title: "New organization" };

export default async function NewOrganizationPage() {
  await requireUserOrRedirect("/app/new");
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center">
      <Logo href="/app" />
      <main id="main" className="mt-8 w-full max-w-md rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-2xl font-bold tracking-tight">New organization</h1>
        <p className="mt-1 text-sm text-zinc-600">You will be its owner. You can invite your team next.</p>
        <CreateOrganizationForm />
        <Link href="/app" className="mt-4 block text-center text-sm text-zinc-600 hover:text-zinc-900">Cancel</Link>
      </main>
    </div>
  );
}
