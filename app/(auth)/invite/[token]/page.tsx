import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { getCurrentUser } from "@/lib/auth/current-user";
import { tokenSchema } from "@/lib/auth/schemas";
import { getInvitationByToken } from "@/lib/orgs/invitations";
import { roleLabels } from "@/lib/orgs/permissions";
import { acceptInvitationAction, signOutAction } from "../../actions";
import { TokenForm } from "../../token-form";

export const metadata: Metadata = { title: "Invitation" };

const closedMessages = {
  accepted: "This invitation has already been used.",
  revoked: "This invitation was withdrawn.",
  expired: "This invitation has expired. Ask the person who invited you for a new one.",
} as const;

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = tokenSchema.safeParse(token).success ? await getInvitationByToken(token) : null;
  if (!invitation) {
    return (
      <>
        <h1 className="text-2xl font-bold tracking-tight">Invitation not found</h1>
        <Alert tone="error" className="mt-4">This invitation link is not valid. Check that you copied the whole link.</Alert>
        <Link href="/sign-in" className={buttonClasses("secondary", "md", "mt-6 w-full")}>Go to sign in</Link>
      </>
    );
  }
  if (invitation.status !== "open") {
    return (
      <>
        <h1 className="text-2xl font-bold tracking-tight">Join {invitation.orgName}</h1>
        <Alert tone="warning" className="mt-4">{closedMessages[invitation.status]}</Alert>
        <Link href="/app" className={buttonClasses("secondary", "md", "mt-6 w-full")}>Go to your workspace</Link>
      </>
    );
  }
  const user = await getCurrentUser();
  const here = `/invite/${token}`;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight">Join {invitation.orgName}</h1>
      <p className="mt-2 text-sm text-zinc-600">
        You were invited as <strong>{roleLabels[invitation.role]}</strong> with the address <strong>{invitation.email}</strong>.
      </p>
      {!user ? (
        <div className="mt-6 space-y-3">
          <Link href={`/sign-up?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(invitation.email)}`} className={buttonClasses("primary", "md", "w-full")}>
            Create an account to accept
          </Link>
          <Link href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} className={buttonClasses("secondary", "md", "w-full")}>
            I already have an account
          </Link>
        </div>
      ) : user.email.toLowerCase() !== invitation.email.toLowerCase() ? (
        <>
          <Alert tone="warning" className="mt-4">
            You are signed in as {user.email}. Sign out and sign in as {invitation.email} to accept.
          </Alert>
          <form action={signOutAction} className="mt-4">
            <button type="submit" className={buttonClasses("secondary", "md", "w-full")}>Sign out</button>
          </form>
        </>
      ) : (
        <TokenForm action={acceptInvitationAction} token={token} label={`Join ${invitation.orgName}`} pendingText="Joining…" />
      )}
    </>
  );
}
