"use client";

import { useRef } from "react";
import { ActionForm, SubmitButton } from "@/components/action-form";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { roleLabels, roles, type Role } from "@/lib/orgs/permissions";
import { changeMemberRoleAction, removeMemberAction } from "../actions";

export function MemberRow({
  orgId,
  member,
  isSelf,
  assignableRoles,
  canRemove,
}: {
  orgId: string;
  member: { userId: string; name: string | null; email: string; role: Role };
  isSelf: boolean;
  assignableRoles: Role[];
  canRemove: boolean;
}) {
  const roleForm = useRef<HTMLFormElement>(null);
  const label = member.name ?? member.email;
  const hidden = (
    <>
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="userId" value={member.userId} />
    </>
  );
  return (
    <li className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:justify-between" aria-label={label}>
      <div className="min-w-0">
        <p className="truncate font-medium text-zinc-900">
          {label} {isSelf ? <span className="text-sm font-normal text-zinc-500">(you)</span> : null}
        </p>
        <p className="truncate text-sm text-zinc-500">{member.email}</p>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        {assignableRoles.length > 1 ? (
          <ActionForm action={changeMemberRoleAction} ref={roleForm} showSuccess={false} className="flex items-center gap-2">
            {hidden}
            <label htmlFor={`role-${member.userId}`} className="sr-only">Role of {label}</label>
            <Select id={`role-${member.userId}`} name="role" defaultValue={member.role} compact className="w-32" onChange={() => roleForm.current?.requestSubmit()}>
              {roles.filter((r) => assignableRoles.includes(r)).map((r) => <option key={r} value={r}>{roleLabels[r]}</option>)}
            </Select>
            {/* Without JavaScript a change of the select submits nothing: a button does it. */}
            <noscript>
              <button type="submit" aria-label={`Save the new role for ${label}`} className={buttonClasses("secondary", "sm")}>Save</button>
            </noscript>
          </ActionForm>
        ) : (
          <Badge tone={member.role === "owner" ? "indigo" : "gray"}>{roleLabels[member.role]}</Badge>
        )}
        {canRemove || isSelf ? (
          <ActionForm
            action={removeMemberAction}
            showSuccess={false}
            onSubmitCapture={(e) => {
              if (!window.confirm(isSelf ? "Leave this organization?" : `Remove ${label} from the organization?`)) e.preventDefault();
            }}
          >
            {hidden}
            <SubmitButton variant="danger-ghost" size="sm">{isSelf ? "Leave" : "Remove"}</SubmitButton>
          </ActionForm>
        ) : null}
      </div>
    </li>
  );
}
