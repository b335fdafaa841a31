"use client";

import { Button } from "@/components/ui/button";

export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center px-4 text-center">
      <h1 className="text-2xl font-bold tracking-tight text-zinc-900">Something went wrong</h1>
      <p className="mt-2 text-zinc-600">
        Please try again.{error.digest ? <> If it keeps happening, quote <code className="rounded bg-zinc-100 px-1">ref {error.digest}</code>.</> : null}
      </p>
      <Button className="mt-6" onClick={reset}>Try again</Button>
    </main>
  );
}
