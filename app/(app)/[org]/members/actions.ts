"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createInvitation, revokeInvitation } from "@/lib/orgs/invitations";
import { changeMemberRole, removeMember } from "@/lib/orgs/members";
import { runAction, type ActionState } from "@/lib/server-action";

function refresh(input: Record<string, unknown>) {
  if (typeof input.path === "string" && input.path.startsWith("/")) revalidatePath(input.path);
}

export async function changeMemberRoleAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  return runAction("changeMemberRole", form, async (user, input) => {
    await changeMemberRole({ actor: { userId: user.id }, input });
    refresh(input);
  }, "Role updated.");
}

export async function removeMemberAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  const result = await runAction("removeMember", form, async (user, input) => {
    await removeMember({ actor: { userId: user.id }, input });
    refresh(input);
    return { left: input.userId === user.id };
  });
  if (result?.ok && (result.data as { left: boolean }).left) redirect("/app");
  return result;
}

export async function createInvitationAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  return runAction("createInvitation", form, async (user, input) => {
    const { emailSent } = await createInvitation({ actor: { userId: user.id }, input });
    refresh(input);
    return { emailSent };
  }, "Invitation sent.");
}

export async function revokeInvitationAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  return runAction("revokeInvitation", form, async (user, input) => {
    await revokeInvitation({ actor: { userId: user.id }, input });
    refresh(input);
  });
}
