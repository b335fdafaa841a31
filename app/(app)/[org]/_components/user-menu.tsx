import Link from "next/link";
import { Icon } from "@/components/icon";
import { Menu } from "@/components/menu";

// Top right below lg; at the foot of the sidebar from lg up, where it shows the name and opens upwards.
export function UserMenu({ name, email, settingsHref, signOut }: { name: string | null; email: string; settingsHref: string; signOut: () => Promise<void> }) {
  const initials = (name ?? email).split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
  return (
    <Menu
      // The name shows on the button from lg up, so it is part of the accessible name too (WCAG 2.5.3).
      label={`Account menu: ${name ?? email}`}
      align="end"
      triggerClassName="user-menu-trigger"
      trigger={
        <>
          <span aria-hidden className="avatar">{initials}</span>
          <span className="hidden truncate lg:block">{name ?? email}</span>
        </>
      }
      contentClassName="menu-content min-w-56 lg:top-auto lg:right-auto lg:bottom-full lg:left-0 lg:mt-0 lg:mb-1.5"
    >
      <div className="px-2 py-1.5">
        <p className="truncate text-sm font-medium text-zinc-900">{name ?? email}</p>
        <p className="truncate text-xs text-zinc-500">{email}</p>
      </div>
      <div role="separator" className="menu-separator" />
      <Link href={settingsHref} role="menuitem" tabIndex={-1} className="menu-item">
        <Icon name="settings" className="size-4" /> Settings
      </Link>
      {/* A server action form rather than an onSelect handler: the item stays a server-rendered button. */}
      <form action={signOut} role="none">
        <button type="submit" role="menuitem" tabIndex={-1} className="menu-item w-full cursor-pointer">
          <Icon name="log-out" className="size-4" /> Sign out
        </button>
      </form>
    </Menu>
  );
}
