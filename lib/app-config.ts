// The product's name and its machine name, read by the code and its tests: a fork renames the app here rather than page
// by page. Not reached from here: package.json's name, the ops/ dashboards and alert names, compose.yaml's image and
// database names, and .env.example's defaults (lib/env-example.test.ts names any it finds stale). A new `id` on a
// running deployment registers its jobs with Inngest as another app: rename before the first deploy.
const name = "Anatomy";
const id = "anatomy";

export const appConfig = {
  /** Shown to people: the logo, page titles, email subjects, the footer. */
  name,
  tagline: "the SaaS starter built to scale",
  description: "A production-grade multi-tenant Next.js SaaS starter: organizations, roles, jobs, caching and observability.",
  /**
   * Read by machines: the Inngest app id (every function id starts with it), and the defaults of OTEL_SERVICE_NAME
   * and CACHE_KEY_PREFIX. Lower-case letters, digits and dashes.
   */
  id,
  /** The sender when EMAIL_FROM is unset (development: the dev mailbox). Production sets EMAIL_FROM on its own domain. */
  defaultEmailFrom: `${name} <no-reply@${id}.local>`,
} as const;
