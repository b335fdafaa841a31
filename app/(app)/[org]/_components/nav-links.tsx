import type { IconName } from "@/components/icon-sprite";
import { Icon } from "@/components/icon";
import { NavLink } from "./nav-link";

const items: { href: string; label: string; icon: IconName; exact: boolean }[] = [
  { href: "", label: "Dashboard", icon: "layout-dashboard", exact: true },
  { href: "/projects", label: "Projects", icon: "folder-kanban", exact: false },
  { href: "/members", label: "Members", icon: "users", exact: false },
  { href: "/data", label: "Data", icon: "arrow-down-up", exact: false },
  { href: "/settings", label: "Settings", icon: "settings", exact: false },
];

// One list for both layouts (app/globals.css, .nav-list): a column in the sidebar from lg up, a row of tabs below it —
// the five labels share the row on a 375px phone, icons only from sm up. A server component: only the small NavLink
// (which knows the current path) reaches the browser.
export function NavLinks({ slug }: { slug: string }) {
  return (
    <ul className="nav-list">
      {items.map((item) => (
        <li key={item.label}>
          <NavLink href={`/${slug}${item.href}`} exact={item.exact}>
            <Icon name={item.icon} />
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
