import { Check, ChevronsUpDown, Plus } from "lucide-react";
import Link from "next/link";
import { Menu } from "@/components/menu";

type Org = { id: string; name: string; slug: string };

const itemClasses = "flex items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none focus:bg-zinc-100";

export function OrgSwitcher({ current, orgs }: { current: Org; orgs: Org[] }) {
  return (
    <Menu
      label={`Organization: ${current.name}. Switch organization`}
      triggerClassName="flex w-full min-w-0 items-center justify-between gap-2 rounded-lg px-2 py-1.5 text-left text-sm font-semibold text-zinc-900 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      trigger={
        <>
          <span className="flex min-w-0 items-center gap-2">
            <span aria-hidden className="grid size-6 shrink-0 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">
              {current.name.slice(0, 1).toUpperCase()}
            </span>
            <span className="truncate">{current.name}</span>
          </span>
          <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-zinc-400" />
        </>
      }
      contentClassName="min-w-60 rounded-xl border border-zinc-200 bg-white p-1 shadow-lg"
    >
      <div className="px-2 py-1.5 text-xs font-medium text-zinc-500">Organizations</div>
      {orgs.map((org) => (
        <Link key={org.id} href={`/${org.slug}`} role="menuitem" tabIndex={-1} className={`${itemClasses} justify-between`}>
          <span className="truncate">{org.name}</span>
          {org.id === current.id ? <Check aria-label="current" className="size-4 text-indigo-600" /> : null}
        </Link>
      ))}
      <div role="separator" className="my-1 h-px bg-zinc-100" />
      <Link href="/app/new" role="menuitem" tabIndex={-1} className={itemClasses}>
        <Plus aria-hidden className="size-4" /> New organization
      </Link>
    </Menu>
  );
}
