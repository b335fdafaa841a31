"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Check, ChevronsUpDown, Plus } from "lucide-react";
import Link from "next/link";

type Org = { id: string; name: string; slug: string };

export function OrgSwitcher({ current, orgs }: { current: Org; orgs: Org[] }) {
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="flex w-full min-w-0 items-center justify-between gap-2 rounded-lg px-2 py-1.5 text-left text-sm font-semibold text-zinc-900 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        aria-label={`Organization: ${current.name}. Switch organization`}
      >
        <span className="flex min-w-0 items-center gap-2">
          <span aria-hidden className="grid size-6 shrink-0 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">
            {current.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="truncate">{current.name}</span>
        </span>
        <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-zinc-400" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={6} className="z-50 min-w-60 rounded-xl border border-zinc-200 bg-white p-1 shadow-lg">
          <DropdownMenu.Label className="px-2 py-1.5 text-xs font-medium text-zinc-500">Organizations</DropdownMenu.Label>
          {orgs.map((org) => (
            <DropdownMenu.Item key={org.id} asChild>
              <Link href={`/${org.slug}`} className="flex items-center justify-between gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-zinc-100">
                <span className="truncate">{org.name}</span>
                {org.id === current.id ? <Check aria-label="current" className="size-4 text-indigo-600" /> : null}
              </Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-zinc-100" />
          <DropdownMenu.Item asChild>
            <Link href="/app/new" className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-zinc-100">
              <Plus aria-hidden className="size-4" /> New organization
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
