"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changePassword, signOutEverywhere, updateProfile } from "@/lib/auth/account";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { deleteOrganization } from "@/lib/orgs/delete-organization";
import { updateOrganization } from "@/lib/orgs/update-organization";
import { runAction } from "@/lib/server-action";

export async function updateProfileAction(_: unknown, form: FormData) {
  return runAction("updateProfile", form, async (user, input) => {
    await updateProfile({ userId: user.id, input });
    // The name shows in the org pages' header and dashboard. Never "/" with "layout": that would revalidate the
    // prerendered marketing and error pages too, and the CSP hashes of their inline scripts with them.
    revalidatePath("/(app)/[org]", "layout");
  }, "Profile saved.");
}

export async function changePasswordAction(_: unknown, form: FormData) {
  return runAction("changePassword", form, async (user, input) => {
    await changePassword({ userId: user.id, input });
    // The change revoked every session, this one included: sign this browser in again, which redirects back here.
    const back = safeRedirectPath(input.path, "/app");
    await signIn("credentials", {
      email: user.email,
      password: input.newPassword,
      redirectTo: `${back}${back.includes("?") ? "&" : "?"}password=changed`,
    });
  });
}

export async function signOutEverywhereAction(_: unknown, form: FormData) {
  const result = await runAction("signOutEverywhere", form, (user) => signOutEverywhere({ userId: user.id }));
  // Every session is revoked, this one included: clear its cookie too and start over at the sign-in page.
  if (result?.ok) await signOut({ redirectTo: "/sign-in?signedOut=everywhere" });
  return result;
}

export async function updateOrganizationAction(_: unknown, form: FormData) {
  const result = await runAction("updateOrganization", form, (user, input) =>
    updateOrganization({ actor: { userId: user.id }, input }),
  );
  // The slug is the URL: after a change, continue at the new address.
  if (result?.ok) redirect(`/${result.data.slug}/settings?saved=1`);
  return result;
}

export async function deleteOrganizationAction(_: unknown, form: FormData) {
  const result = await runAction("deleteOrganization", form, (user, input) =>
    deleteOrganization({ actor: { userId: user.id }, input }),
  );
  // The org is gone for everyone now; its owner lands on the page that can undo it.
  if (result?.ok) redirect("/app/deleted");
  return result;
}
