"use client";

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", display: "grid", placeItems: "center", minHeight: "100dvh", margin: 0 }}>
        <main style={{ textAlign: "center", padding: 24 }}>
          <h1>Something went wrong</h1>
          <p>Please reload the page.{error.digest ? ` (ref ${error.digest})` : ""}</p>
        </main>
      </body>
    </html>
  );
}
