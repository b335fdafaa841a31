import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-zinc-900">Page not found</h1>
      <p className="mt-2 text-zinc-600">It may have moved, or you may not have access to it.</p>
      <Link href="/" className={buttonClasses("primary", "md", "mt-6")}>Go home</Link>
    </main>
  );
}
