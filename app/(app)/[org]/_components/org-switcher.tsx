import Link from "next/link";
import { Icon } from "@/components/icon";
import { Menu } from "@/components/menu";

type Org = { id: string; name: string; slug: string };

export function OrgSwitcher({ current, orgs }: { current: Org; orgs: Org[] }) {
  return (
    <Menu
      label={`Organization: ${current.name}. Switch organization`}
      triggerClassName="org-switcher-trigger"
      trigger={
        <>
          <span className="flex min-w-0 items-center gap-2">
            <span aria-hidden className="org-mark">{current.name.slice(0, 1).toUpperCase()}</span>
            <span className="truncate">{current.name}</span>
          </span>
          <Icon name="chevrons-up-down" className="size-4 shrink-0 text-zinc-400" />
        </>
      }
      contentClassName="menu-content min-w-60"
    >
      <div className="px-2 py-1.5 text-xs font-medium text-zinc-500">Organizations</div>
      {orgs.map((org) => (
        <Link key={org.id} href={`/${org.slug}`} role="menuitem" tabIndex={-1} className="menu-item justify-between">
          <span className="truncate">{org.name}</span>
          {org.id === current.id ? <Icon name="check" label="current" className="size-4 text-indigo-600" /> : null}
        </Link>
      ))}
      <div role="separator" className="menu-separator" />
      <Link href="/app/new" role="menuitem" tabIndex={-1} className="menu-item">
        <Icon name="plus" className="size-4" /> New organization
      </Link>
    </Menu>
  );
}
