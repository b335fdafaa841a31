import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignUpPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  if (await getCurrentUser()) redirect("/app");
  const email = typeof params.email === "string" ? params.email : undefined;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Create your account</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Already have one? <Link href={callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-in"} className="font-medium text-indigo-600 hover:underline">Sign in</Link>
      </p>
      <SignUpForm callbackUrl={callbackUrl} email={email} />
    </>
  );
}
