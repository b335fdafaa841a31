import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { buttonClasses } from "@/components/ui/button";
import { appConfig } from "@/lib/app-config";

// Static: nothing here reads the session or the database, so these pages can be served from a CDN for an hour (then
// refreshed in the background; next.config.ts sets the header).
export const revalidate = 3600;

export default function MarketingLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-white">
      <header className="sticky top-0 z-20 border-b border-zinc-100 bg-white/90 backdrop-blur">
        <nav aria-label="Main" className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
          <Logo />
          <div className="flex items-center gap-1 sm:gap-3">
            <Link href="/pricing" className="hidden rounded-md px-3 py-2 text-sm font-medium text-zinc-600 hover:text-zinc-900 sm:block">
              Pricing
            </Link>
            <Link href="/sign-in" className="rounded-md px-3 py-2 text-sm font-medium text-zinc-600 hover:text-zinc-900">
              Sign in
            </Link>
            <Link href="/sign-up" className={buttonClasses("primary", "sm")}>
              Get started
            </Link>
          </div>
        </nav>
      </header>
      <main id="main" className="flex-1">{children}</main>
      <footer className="border-t border-zinc-100">
        <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-8 text-sm text-zinc-500 sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <p>© {appConfig.name} contributors · MIT licensed</p>
          <div className="flex gap-4">
            <Link href="/pricing" className="hover:text-zinc-900">Pricing</Link>
            <Link href="/sign-in" className="hover:text-zinc-900">Sign in</Link>
          </div>
        </div>
      </footer>
    </div>
  );
}
