"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

// The digest is logged with the failing request's id (instrumentation.ts onRequestError), so the ref a user quotes
// leads to that request's log lines and trace.
export default function OrgError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto max-w-lg py-12">
      <Alert tone="error">
        <p className="font-medium">This page could not be loaded.</p>
        <p className="mt-1">Please try again.{error.digest ? ` If it keeps happening, quote ref ${error.digest}.` : ""}</p>
      </Alert>
      <Button className="mt-4" variant="secondary" onClick={reset}>Try again</Button>
    </div>
  );
}
