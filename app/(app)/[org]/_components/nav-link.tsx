"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** A navigation link that marks itself current (aria-current, which `.nav-link` styles); its content is rendered on the server. */
export function NavLink({ href, exact, children }: { href: string; exact: boolean; children: ReactNode }) {
  const pathname = usePathname();
  const active = exact ? pathname === href : pathname.startsWith(href);
  return (
    <Link href={href} aria-current={active ? "page" : undefined} className="nav-link">
      {children}
    </Link>
  );
}
