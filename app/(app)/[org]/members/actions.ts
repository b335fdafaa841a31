"use server";

import { redirect } from "next/navigation";
import { createInvitation, revokeInvitation } from "@/lib/orgs/invitations";
import { changeMemberRole, removeMember } from "@/lib/orgs/members";
import { revalidateOrgPages, runAction } from "@/lib/server-action";

export async function changeMemberRoleAction(_: unknown, form: FormData) {
  return runAction("changeMemberRole", form, async (user, input) => {
    await changeMemberRole({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["members"]);
  }, "Role updated.");
}

export async function removeMemberAction(_: unknown, form: FormData) {
  const result = await runAction("removeMember", form, async (user, input) => {
    await removeMember({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["members"]);
    return { left: input.userId === user.id };
  });
  if (result?.ok && result.data.left) redirect("/app");
  return result;
}

export async function createInvitationAction(_: unknown, form: FormData) {
  return runAction("createInvitation", form, async (user, input) => {
    const { id } = await createInvitation({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["members"]);
    return { id };
  }, "Invitation sent.");
}

export async function revokeInvitationAction(_: unknown, form: FormData) {
  return runAction("revokeInvitation", form, async (user, input) => {
    await revokeInvitation({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["members"]);
  });
}
