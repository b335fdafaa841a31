import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { getCurrentUser } from "@/lib/auth/current-user";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { getOAuthProviders } from "@/lib/env";
import { signInWithProviderAction } from "../actions";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  if (await getCurrentUser()) redirect(safeRedirectPath(callbackUrl, "/app"));
  const oauth = getOAuthProviders();
  const providers = [oauth.github && { id: "github", label: "GitHub" }, oauth.google && { id: "google", label: "Google" }].filter(
    (p): p is { id: string; label: string } => Boolean(p),
  );
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      <p className="mt-1 text-sm text-zinc-600">
        New here? <Link href={callbackUrl ? `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-up"} className="font-medium text-indigo-600 hover:underline">Create an account</Link>
      </p>
      {params.reset ? <Alert tone="success" className="mt-4">Your password was changed. Sign in with the new one.</Alert> : null}
      {params.signedOut === "everywhere" ? <Alert tone="success" className="mt-4">You were signed out on every device.</Alert> : null}
      {params.error ? <Alert tone="error" className="mt-4">Sign-in failed. Please try again.</Alert> : null}
      <SignInForm callbackUrl={callbackUrl} />
      {providers.length > 0 ? (
        <div className="mt-6 space-y-2 border-t border-zinc-100 pt-6">
          {providers.map((p) => (
            <form key={p.id} action={signInWithProviderAction}>
              <input type="hidden" name="provider" value={p.id} />
              <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
              <Button type="submit" variant="secondary" className="w-full">Continue with {p.label}</Button>
            </form>
          ))}
        </div>
      ) : null}
    </>
  );
}
