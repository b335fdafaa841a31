import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Fragment } from "react";
import { Logo } from "@/components/logo";
import { EmptyState } from "@/components/ui/empty-state";
import { isDevMailboxEnabled } from "@/lib/email/dev-mailbox";
import { listMailbox } from "@/lib/email/list-mailbox";
import { formatDateTimeSeconds } from "@/lib/format";

export const metadata: Metadata = { title: "Dev mailbox", robots: { index: false } };

// Shows URLs in the plain-text body as links.
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s]+)/g);
  return (
    <>
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part} className="break-all text-indigo-600 underline">{part}</a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/** Mail sent in zero-setup mode (no SMTP_URL). Not available when a real transport is configured. */
export default async function DevMailboxPage() {
  await connection(); // Rendered per request: it reads the database, which must never be opened at build time.
  if (!isDevMailboxEnabled()) notFound();
  const messages = await listMailbox();
  return (
    <div className="mx-auto max-w-3xl px-4 py-8">
      <div className="flex items-center justify-between gap-4">
        <Logo />
        <span className="rounded-md bg-amber-100 px-2 py-1 text-xs font-medium text-amber-900">Development only</span>
      </div>
      <h1 className="mt-8 text-2xl font-bold tracking-tight">Dev mailbox</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Email the app sends when no SMTP transport is configured lands here, newest first.
      </p>
      <main id="main" className="mt-6 space-y-4">
        {messages.length === 0 ? (
          <div className="rounded-xl border border-zinc-200 bg-white">
            <EmptyState title="No mail yet" description="Sign up or invite someone and the message will appear here." />
          </div>
        ) : (
          messages.map((m) => (
            <article key={m.id} className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm" aria-label={m.subject}>
              <header className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="font-semibold text-zinc-900">{m.subject}</h2>
                <time dateTime={m.createdAt.toISOString()} className="text-xs text-zinc-500">
                  {formatDateTimeSeconds(m.createdAt)} UTC
                </time>
              </header>
              <p className="mt-1 text-sm text-zinc-600">To: {m.to}</p>
              <pre className="mt-3 font-sans text-sm whitespace-pre-wrap text-zinc-800"><Linkified text={m.text} /></pre>
            </article>
          ))
        )}
      </main>
    </div>
  );
}
