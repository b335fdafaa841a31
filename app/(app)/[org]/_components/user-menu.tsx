"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { LogOut, Settings } from "lucide-react";
import Link from "next/link";

export function UserMenu({ name, email, settingsHref, signOut }: { name: string | null; email: string; settingsHref: string; signOut: () => Promise<void> }) {
  const initials = (name ?? email).split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="grid size-9 place-items-center rounded-full bg-zinc-200 text-sm font-semibold text-zinc-700 hover:bg-zinc-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        aria-label="Account menu"
      >
        {initials}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={6} className="z-50 min-w-56 rounded-xl border border-zinc-200 bg-white p-1 shadow-lg">
          <div className="px-2 py-1.5">
            <p className="truncate text-sm font-medium text-zinc-900">{name ?? email}</p>
            <p className="truncate text-xs text-zinc-500">{email}</p>
          </div>
          <DropdownMenu.Separator className="my-1 h-px bg-zinc-100" />
          <DropdownMenu.Item asChild>
            <Link href={settingsHref} className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-zinc-100">
              <Settings aria-hidden className="size-4" /> Settings
            </Link>
          </DropdownMenu.Item>
          <DropdownMenu.Item
            onSelect={() => void signOut()}
            className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-zinc-100"
          >
            <LogOut aria-hidden className="size-4" /> Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
