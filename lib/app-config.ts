// The product's name and its machine name: a fork renames the app here (and in package.json), not page by page.
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
