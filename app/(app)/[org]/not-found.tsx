import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Not found" };

export default function OrgNotFound() {
  return (
    <div className="flex flex-col items-center justify-center px-4 py-16 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight text-zinc-900">Not found</h1>
      <p className="mt-2 text-zinc-600">It does not exist, or you are not a member of the organization it belongs to.</p>
      <Link href="/app" className={buttonClasses("primary", "md", "mt-6")}>Back to your workspace</Link>
    </div>
  );
}
