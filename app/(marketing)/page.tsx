import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

const features = [
  { title: "Organizations & roles", body: "Sign-up creates a workspace. Owners, admins and members, invitations by email, and one role matrix enforced by every service." },
  { title: "Tenant isolation", body: "Every query is scoped by organization and every server action authorizes itself — tested against crafted cross-tenant calls." },
  { title: "Real database strategy", body: "Indexes justified by queries, keyset pagination, no N+1, and an append-only activity log partitioned by month." },
  { title: "Zero-setup development", body: "npm install && npm run dev: embedded Postgres (PGlite), a dev mailbox and generated secrets. Production uses real services." },
  { title: "Secure by default", body: "Argon2id passwords, single-use expiring email links, stateless JWT sessions and validated input everywhere." },
  { title: "Tested end to end", body: "Vitest against a real Postgres and Playwright in a real browser, run by CI against both database modes." },
];

export default function LandingPage() {
  return (
    <>
      <section className="relative overflow-hidden">
        <div aria-hidden className="absolute inset-x-0 top-0 -z-10 h-[480px] bg-gradient-to-b from-indigo-50 to-white" />
        <div className="mx-auto max-w-6xl px-4 pt-16 pb-20 text-center sm:px-6 sm:pt-24">
          <p className="mx-auto inline-flex items-center gap-2 rounded-full border border-indigo-200 bg-white px-3 py-1 text-xs font-medium text-indigo-700">
            Open source · Next.js 16 · Auth.js · Drizzle
          </p>
          <h1 className="mx-auto mt-6 max-w-3xl text-4xl font-bold tracking-tight text-zinc-900 sm:text-6xl">
            The SaaS starter built the way you would build it at scale
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg leading-8 text-zinc-600">
            Multi-tenant from the first line: organizations, roles, invitations, a sample product and an audit trail —
            with the database, caching and job patterns a growing SaaS needs.
          </p>
          <div className="mt-10 flex flex-col items-center justify-center gap-3 sm:flex-row">
            <Link href="/sign-up" className={buttonClasses("primary", "lg")}>Start for free</Link>
            <Link href="/pricing" className={buttonClasses("secondary", "lg")}>See pricing</Link>
          </div>
        </div>
      </section>
      <section aria-labelledby="features" className="mx-auto max-w-6xl px-4 pb-24 sm:px-6">
        <h2 id="features" className="text-center text-2xl font-bold tracking-tight text-zinc-900 sm:text-3xl">
          Everything a serious SaaS starts with
        </h2>
        <ul className="mt-12 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
          {features.map((f) => (
            <li key={f.title} className="rounded-2xl border border-zinc-200 p-6 shadow-sm">
              <h3 className="font-semibold text-zinc-900">{f.title}</h3>
              <p className="mt-2 text-sm leading-6 text-zinc-600">{f.body}</p>
            </li>
          ))}
        </ul>
      </section>
      <section className="bg-zinc-900">
        <div className="mx-auto flex max-w-6xl flex-col items-center gap-6 px-4 py-16 text-center sm:px-6">
          <h2 className="text-2xl font-bold text-white sm:text-3xl">Fork it, rename it, ship it.</h2>
          <Link href="/sign-up" className={buttonClasses("primary", "lg")}>Create your workspace</Link>
        </div>
      </section>
    </>
  );
}
