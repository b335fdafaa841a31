import "server-only";
import { eq } from "drizzle-orm";
import { redirect } from "next/navigation";
import { cache } from "react";
import { users } from "@/db/schema";
import { auth } from "@/lib/auth/auth";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

export type CurrentUser = {
  id: string;
  email: string;
  name: string | null;
  emailVerified: Date | null;
  isPlatformAdmin: boolean;
};

/** The signed-in user, loaded once per request; null when signed out or when the user no longer exists. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const [user] = await getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      emailVerified: users.emailVerified,
      isPlatformAdmin: users.isPlatformAdmin,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) return null;
  // Operators can be named in PLATFORM_ADMIN_EMAILS (bootstrap, no SQL needed) as well as flagged in the database.
  return { ...user, isPlatformAdmin: user.isPlatformAdmin || getEnv().PLATFORM_ADMIN_EMAILS.includes(user.email.toLowerCase()) };
});

/** For server actions and route handlers: the signed-in user or an `unauthenticated` AppError. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Please sign in again.");
  return user;
}

/** For pages: the signed-in user, or a redirect to the sign-in page that comes back here. */
export async function requireUserOrRedirect(returnTo?: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(returnTo ? `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}` : "/sign-in");
  return user;
}
