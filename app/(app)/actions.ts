"use server";

import { redirect } from "next/navigation";
import { resendVerificationEmail } from "@/lib/auth/account";
import { createOrganization } from "@/lib/orgs/create-organization";
import { restoreOrganization } from "@/lib/orgs/delete-organization";
import { runAction, type ActionState } from "@/lib/server-action";

export async function createOrganizationAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  const result = await runAction("createOrganization", form, (user, input) =>
    createOrganization({ ownerId: user.id, name: String(input.name ?? "") }),
  );
  if (result?.ok) redirect(`/${(result.data as { slug: string }).slug}`);
  return result;
}

export async function resendVerificationAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  return runAction("resendVerification", form, (user) => resendVerificationEmail({ userId: user.id }), "Sent. Check your inbox.");
}

export async function restoreOrganizationAction(_: ActionState<unknown>, form: FormData): Promise<ActionState<unknown>> {
  const result = await runAction("restoreOrganization", form, (user, input) => restoreOrganization({ actor: { userId: user.id }, input }));
  if (result?.ok) redirect(`/${(result.data as { slug: string }).slug}?restored=1`);
  return result;
}
