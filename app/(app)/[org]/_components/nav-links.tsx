import { ArrowDownUp, FolderKanban, LayoutDashboard, Settings, Users } from "lucide-react";
import { cn } from "@/lib/utils";
import { NavLink } from "./nav-link";

const items = [
  { href: "", label: "Dashboard", icon: LayoutDashboard, exact: true },
  { href: "/projects", label: "Projects", icon: FolderKanban, exact: false },
  { href: "/members", label: "Members", icon: Users, exact: false },
  { href: "/data", label: "Data", icon: ArrowDownUp, exact: false },
  { href: "/settings", label: "Settings", icon: Settings, exact: false },
];

// A server component: the icons render here, so the browser gets only the small NavLink (which knows the current path).
export function NavLinks({ slug, layout }: { slug: string; layout: "sidebar" | "tabs" }) {
  // Tabs (below lg): the five labels share the row on a 375px phone, icons only from sm up, so none is scrolled out of view (down to 320px).
  return (
    <ul className={layout === "sidebar" ? "space-y-1" : "flex gap-0.5 overflow-x-auto sm:gap-1"}>
      {items.map((item) => (
        <li key={item.label} className={layout === "tabs" ? "flex-1 sm:flex-none" : undefined}>
          <NavLink
            href={`/${slug}${item.href}`}
            exact={item.exact}
            className={cn(
              "flex items-center gap-2 rounded-lg py-2 text-sm font-medium whitespace-nowrap",
              layout === "tabs" ? "justify-center px-1.5 sm:px-3" : "px-3",
            )}
            activeClassName="bg-indigo-50 text-indigo-700"
            inactiveClassName="text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
          >
            <item.icon aria-hidden className={cn("size-4 shrink-0", layout === "tabs" && "hidden sm:block")} />
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
