import { LogOut, Settings } from "lucide-react";
import Link from "next/link";
import { Menu } from "@/components/menu";

const itemClasses = "flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none focus:bg-zinc-100";

export function UserMenu({ name, email, settingsHref, signOut }: { name: string | null; email: string; settingsHref: string; signOut: () => Promise<void> }) {
  const initials = (name ?? email).split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
  return (
    <Menu
      label="Account menu"
      align="end"
      triggerClassName="grid size-9 place-items-center rounded-full bg-zinc-200 text-sm font-semibold text-zinc-700 hover:bg-zinc-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      trigger={initials}
      contentClassName="min-w-56 rounded-xl border border-zinc-200 bg-white p-1 shadow-lg"
    >
      <div className="px-2 py-1.5">
        <p className="truncate text-sm font-medium text-zinc-900">{name ?? email}</p>
        <p className="truncate text-xs text-zinc-500">{email}</p>
      </div>
      <div role="separator" className="my-1 h-px bg-zinc-100" />
      <Link href={settingsHref} role="menuitem" tabIndex={-1} className={itemClasses}>
        <Settings aria-hidden className="size-4" /> Settings
      </Link>
      {/* A server action form rather than an onSelect handler: the item stays a server-rendered button. */}
      <form action={signOut} role="none">
        <button type="submit" role="menuitem" tabIndex={-1} className={`${itemClasses} cursor-pointer`}>
          <LogOut aria-hidden className="size-4" /> Sign out
        </button>
      </form>
    </Menu>
  );
}
