"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { registerUser, resetPassword, verifyEmail } from "@/lib/auth/account";
import { signIn, signOut } from "@/lib/auth/auth";
import { requireUser } from "@/lib/auth/current-user";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { signInInput } from "@/lib/auth/schemas";
import { submitPasswordReset } from "@/lib/auth/submit-password-reset";
import { parseOrThrow } from "@/lib/errors";
import { acceptInvitation } from "@/lib/orgs/invitations";
import { enforceRateLimit } from "@/lib/cache/rate-limit";
import { getClientIp } from "@/lib/observability/request-context";
import { formToObject, runPublicAction, type ActionState } from "@/lib/server-action";
import { z } from "zod";

// A crafted callbackUrl must not turn sign-in into an open redirect.
const safeCallbackUrl = safeRedirectPath;

export async function signInAction(_: ActionState, form: FormData): Promise<ActionState> {
  return runPublicAction(
    "signIn",
    form,
    async (input) => {
      const { email, password } = parseOrThrow(signInInput, input);
      // Auth.js redirects on success (a redirect() that runPublicAction lets through).
      await signIn("credentials", { email, password, redirectTo: safeCallbackUrl(input.callbackUrl, "/app") });
    },
    {
      recover: (error) => {
        if (error instanceof CredentialsSignin && error.code === "rate_limited") return "Too many sign-in attempts. Wait a few minutes, then try again.";
        if (error instanceof AuthError) return "Incorrect email or password.";
        return undefined;
      },
    },
  );
}

export async function signInWithProviderAction(form: FormData): Promise<void> {
  // A public endpoint: whatever arrives in place of the form (a crafted request) is a missing provider, not a 500.
  const fields = formToObject(form);
  const provider = z.enum(["github", "google"]).safeParse(fields.provider);
  if (!provider.success) redirect("/sign-in");
  await signIn(provider.data, { redirectTo: safeCallbackUrl(fields.callbackUrl, "/app") });
}

export async function signUpAction(_: ActionState, form: FormData): Promise<ActionState> {
  return runPublicAction("signUp", form, async (input) => {
    await enforceRateLimit("sign-up", await getClientIp());
    const { orgSlug } = await registerUser({ input });
    await signIn("credentials", { email: input.email, password: input.password, redirectTo: safeCallbackUrl(input.callbackUrl, `/${orgSlug}`) });
  });
}

export async function requestPasswordResetAction(_: ActionState, form: FormData): Promise<ActionState> {
  return runPublicAction(
    "requestPasswordReset",
    form,
    async (input) => {
      const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
      await enforceRateLimit("password-reset-ip", await getClientIp());
      if (email) await enforceRateLimit("password-reset-email", email);
      await submitPasswordReset({ input });
    },
    { message: "If an account exists for that address, we sent it a link to reset the password." },
  );
}

export async function resetPasswordAction(_: ActionState, form: FormData): Promise<ActionState> {
  return runPublicAction("resetPassword", form, async (input) => {
    await resetPassword({ input });
    redirect("/sign-in?reset=1");
  });
}

export async function verifyEmailAction(_: ActionState, form: FormData): Promise<ActionState> {
  return runPublicAction("verifyEmail", form, async (input) => {
    await verifyEmail({ token: input.token });
    redirect("/app?verified=1");
  });
}

export async function acceptInvitationAction(_: ActionState, form: FormData): Promise<ActionState> {
  return runPublicAction("acceptInvitation", form, async (input) => {
    // Anyone may post here; joining takes a session ("Please sign in again." without one).
    const user = await requireUser();
    const { orgSlug } = await acceptInvitation({ actor: { userId: user.id }, token: input.token });
    redirect(`/${orgSlug}`);
  });
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
