"use server";

import { redirect } from "next/navigation";
import { resendVerificationEmail } from "@/lib/auth/account";
import { createOrganization } from "@/lib/orgs/create-organization";
import { restoreOrganization } from "@/lib/orgs/delete-organization";
import { runAction } from "@/lib/server-action";

export async function createOrganizationAction(_: unknown, form: FormData) {
  const result = await runAction("createOrganization", form, (user, input) =>
    createOrganization({ ownerId: user.id, name: String(input.name ?? "") }),
  );
  if (result?.ok) redirect(`/${result.data.slug}`);
  return result;
}

export async function resendVerificationAction(_: unknown, form: FormData) {
  return runAction("resendVerification", form, (user) => resendVerificationEmail({ userId: user.id }), "Sent. Check your inbox.");
}

export async function restoreOrganizationAction(_: unknown, form: FormData) {
  const result = await runAction("restoreOrganization", form, (user, input) => restoreOrganization({ actor: { userId: user.id }, input }));
  if (result?.ok) redirect(`/${result.data.slug}?restored=1`);
  return result;
}
