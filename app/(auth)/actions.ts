"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { registerUser, resetPassword, verifyEmail } from "@/lib/auth/account";
import { signIn, signOut } from "@/lib/auth/auth";
import { requireUser } from "@/lib/auth/current-user";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { signInInput, tokenSchema } from "@/lib/auth/schemas";
import { submitPasswordReset } from "@/lib/auth/submit-password-reset";
import { invalidInput, AppError, parseOrThrow } from "@/lib/errors";
import { acceptInvitation } from "@/lib/orgs/invitations";
import { enforceRateLimit } from "@/lib/cache/rate-limit";
import { getClientIp } from "@/lib/observability/request-context";
import { formToObject, toActionError, withSubmittedValues, type ActionState } from "@/lib/server-action";
import { z } from "zod";

// A crafted callbackUrl must not turn sign-in into an open redirect.
const safeCallbackUrl = safeRedirectPath;

export async function signInAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = formToObject(form);
  try {
    const parsed = signInInput.safeParse(input);
    if (!parsed.success) throw invalidInput(parsed.error);
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallbackUrl(input.callbackUrl, "/app"),
    });
    return { ok: true, data: undefined };
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === "rate_limited") {
      return withSubmittedValues(form, { ok: false, error: "Too many sign-in attempts. Wait a few minutes, then try again." });
    }
    if (error instanceof AuthError) return withSubmittedValues(form, { ok: false, error: "Incorrect email or password." });
    return withSubmittedValues(form, await toActionError(error, "signIn"));
  }
}

export async function signInWithProviderAction(form: FormData): Promise<void> {
  // A public endpoint: whatever arrives in place of the form (a crafted request) is a missing provider, not a 500.
  const fields = formToObject(form);
  const provider = z.enum(["github", "google"]).safeParse(fields.provider);
  if (!provider.success) redirect("/sign-in");
  await signIn(provider.data, { redirectTo: safeCallbackUrl(fields.callbackUrl, "/app") });
}

export async function signUpAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = formToObject(form);
  try {
    await enforceRateLimit("sign-up", await getClientIp());
    const { orgSlug } = await registerUser({ input });
    await signIn("credentials", {
      email: input.email,
      password: input.password,
      redirectTo: safeCallbackUrl(input.callbackUrl, `/${orgSlug}`),
    });
    return { ok: true, data: undefined };
  } catch (error) {
    return withSubmittedValues(form, await toActionError(error, "signUp"));
  }
}

export async function requestPasswordResetAction(_: ActionState, form: FormData): Promise<ActionState> {
  try {
    const input = formToObject(form);
    const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
    await enforceRateLimit("password-reset-ip", await getClientIp());
    if (email) await enforceRateLimit("password-reset-email", email);
    await submitPasswordReset({ input });
    return { ok: true, data: undefined, message: "If an account exists for that address, we sent it a link to reset the password." };
  } catch (error) {
    return withSubmittedValues(form, await toActionError(error, "requestPasswordReset"));
  }
}

export async function resetPasswordAction(_: ActionState, form: FormData): Promise<ActionState> {
  try {
    await resetPassword({ input: formToObject(form) });
  } catch (error) {
    return withSubmittedValues(form, await toActionError(error, "resetPassword"));
  }
  redirect("/sign-in?reset=1");
}

export async function verifyEmailAction(_: ActionState, form: FormData): Promise<ActionState> {
  try {
    const token = parseOrThrow(z.object({ token: tokenSchema }), formToObject(form)).token;
    await verifyEmail({ token });
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_input") {
      return { ok: false, error: "This link is incomplete. Open the link from your email again." };
    }
    return withSubmittedValues(form, await toActionError(error, "verifyEmail"));
  }
  redirect("/app?verified=1");
}

export async function acceptInvitationAction(_: ActionState, form: FormData): Promise<ActionState> {
  let orgSlug: string;
  try {
    const user = await requireUser();
    const token = parseOrThrow(z.object({ token: tokenSchema }), formToObject(form)).token;
    ({ orgSlug } = await acceptInvitation({ actor: { userId: user.id }, token }));
  } catch (error) {
    return withSubmittedValues(form, await toActionError(error, "acceptInvitation"));
  }
  redirect(`/${orgSlug}`);
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
