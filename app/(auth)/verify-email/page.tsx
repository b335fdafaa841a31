import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { verifyEmailAction } from "../actions";
import { TokenForm } from "../token-form";

export const metadata: Metadata = { title: "Verify your email" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function VerifyEmailPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Verify your email</h1>
      {typeof token === "string" && token ? (
        <>
          <p className="mt-2 text-sm text-zinc-600">Confirm that this address is yours to finish setting up your account.</p>
          <TokenForm action={verifyEmailAction} token={token} label="Confirm my email" pendingText="Confirming…" />
        </>
      ) : (
        <Alert tone="error" className="mt-4">This link is incomplete. Open the link from your email again.</Alert>
      )}
    </>
  );
}
