import type { Metadata } from "next";
import Link from "next/link";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Reset your password" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Reset your password</h1>
      <p className="mt-1 text-sm text-zinc-600">Enter your email and we will send you a link to choose a new password.</p>
      <ForgotPasswordForm />
      <p className="mt-6 text-sm text-zinc-600">
        Remembered it? <Link href="/sign-in" className="font-medium text-indigo-600 hover:underline">Sign in</Link>
      </p>
    </>
  );
}
