import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ResetPasswordPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Choose a new password</h1>
      {typeof token === "string" && token ? (
        <>
          <ResetPasswordForm token={token} />
          <p className="mt-6 text-sm text-zinc-600">
            Remembered it? <Link href="/sign-in" className="font-medium text-indigo-600 hover:underline">Sign in</Link>
          </p>
        </>
      ) : (
        <Alert tone="error" className="mt-4">
          This link is incomplete. <Link href="/forgot-password" className="underline">Request a new one</Link>.
        </Alert>
      )}
    </>
  );
}
