import { z } from "zod";
import { plainText } from "@/lib/plain-text";
import { roles } from "@/lib/orgs/permissions";

// Slugs share the URL space with the app's own top-level routes.
export const reservedSlugs = new Set([
  "api", "app", "admin", "dev", "sign-in", "sign-up", "sign-out", "signin", "signup", "verify-email", "forgot-password",
  "reset-password", "invite", "pricing", "about", "blog", "docs", "settings", "account", "new", "_next", "static",
  "public", "favicon.ico", "robots.txt", "sitemap.xml", "health", "status", "help", "support", "legal", "terms", "privacy",
]);

export const orgNameSchema = plainText({ error: "Enter a name." })
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(60, "Use at most 60 characters.");

export const slugSchema = z
  .string({ error: "Enter a URL name." })
  .trim()
  .toLowerCase()
  .min(3, "Use at least 3 characters.")
  .max(40, "Use at most 40 characters.")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens.")
  .refine((s) => !reservedSlugs.has(s), "That URL name is reserved.");

export const uuidSchema = z.uuid({ error: "Invalid id." });
export const roleSchema = z.enum(roles, { error: "Choose a role." });

export const createOrganizationInput = z.object({ name: orgNameSchema });
export const updateOrganizationInput = z.object({ orgId: uuidSchema, name: orgNameSchema, slug: slugSchema });
export const deleteOrganizationInput = z.object({
  orgId: uuidSchema,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(128, "Enter your password."),
});
export const restoreOrganizationInput = z.object({ orgId: uuidSchema });
export const changeMemberRoleInput = z.object({ orgId: uuidSchema, userId: uuidSchema, role: roleSchema });
export const removeMemberInput = z.object({ orgId: uuidSchema, userId: uuidSchema });
export const createInvitationInput = z.object({
  orgId: uuidSchema,
  email: z.string().trim().toLowerCase().max(254).pipe(z.email({ error: "Enter a valid email address." })),
  role: roleSchema,
});
export const revokeInvitationInput = z.object({ orgId: uuidSchema, invitationId: uuidSchema });

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30)
    .replace(/-+$/g, "");
  return base.length >= 3 && !reservedSlugs.has(base) ? base : `org-${base || "team"}`.slice(0, 30);
}
