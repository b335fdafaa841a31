import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Pricing" };

const plans = [
  { name: "Free", price: "$0", period: "forever", blurb: "For trying things out.", features: ["1 organization", "Up to 3 members", "Unlimited projects", "Activity log (30 days)"], cta: "Start for free", featured: false },
  { name: "Pro", price: "$12", period: "per member / month", blurb: "For growing teams.", features: ["Unlimited members", "CSV import and reports", "Activity log (1 year)", "Priority email support"], cta: "Start a Pro trial", featured: true },
  { name: "Enterprise", price: "Custom", period: "annual contract", blurb: "For organizations with extra needs.", features: ["SSO and audit exports", "Custom retention", "Uptime SLA", "Dedicated support"], cta: "Contact sales", featured: false },
];

export default function PricingPage() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-24">
      <div className="mx-auto max-w-2xl text-center">
        <h1 className="text-4xl font-bold tracking-tight text-zinc-900 sm:text-5xl">Simple, per-seat pricing</h1>
        <p className="mt-4 text-lg text-zinc-600">Start free. Upgrade when your team grows.</p>
      </div>
      <ul className="mt-14 grid gap-6 lg:grid-cols-3">
        {plans.map((plan) => (
          <li
            key={plan.name}
            className={cn("flex flex-col rounded-2xl border p-8 shadow-sm", plan.featured ? "border-indigo-600 ring-1 ring-indigo-600" : "border-zinc-200")}
          >
            <div className="flex items-center justify-between">
              <h2 className="text-lg font-semibold text-zinc-900">{plan.name}</h2>
              {plan.featured ? <span className="rounded-full bg-indigo-600 px-2.5 py-0.5 text-xs font-medium text-white">Popular</span> : null}
            </div>
            <p className="mt-2 text-sm text-zinc-600">{plan.blurb}</p>
            <p className="mt-6">
              <span className="text-4xl font-bold text-zinc-900">{plan.price}</span>{" "}
              <span className="text-sm text-zinc-500">{plan.period}</span>
            </p>
            <ul className="mt-6 flex-1 space-y-3 text-sm text-zinc-700">
              {plan.features.map((f) => (
                <li key={f} className="flex gap-2">
                  <span aria-hidden className="text-indigo-600">✓</span>
                  {f}
                </li>
              ))}
            </ul>
            <Link href="/sign-up" className={cn(buttonClasses(plan.featured ? "primary" : "secondary", "md"), "mt-8 w-full")}>
              {plan.cta}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
