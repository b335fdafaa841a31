import "server-only";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { authBaseConfig } from "@/lib/auth/auth-config";
import { authenticateWithPassword } from "@/lib/auth/authenticate-with-password";
import { getDb } from "@/lib/db/client";
import { getAuthSecret, getOAuthProviders } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { createOrganization } from "@/lib/orgs/create-organization";

const log = logger.child({ module: "auth" });

// Lazy configuration: `next build` imports this module, and the database must not be opened at import time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const db = getDb();
  const oauth = getOAuthProviders();
  const providers: Provider[] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: async (credentials) => {
        const user = await authenticateWithPassword(credentials);
        return user ? { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } : null;
      },
    }),
  ];
  if (oauth.github) providers.push(GitHub(oauth.github));
  if (oauth.google) providers.push(Google(oauth.google));

  return {
    ...authBaseConfig,
    secret: getAuthSecret(),
    providers,
    adapter: DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    }),
    events: {
      // A user created through OAuth gets a first organization, as a password sign-up does.
      async createUser({ user }) {
        if (!user.id) return;
        // Never let this fail the sign-in: the account must still be linked. Without an org, /app offers to create one.
        try {
          const owner = (user.name ?? "My").slice(0, 45);
          await createOrganization({ ownerId: user.id, name: `${owner}'s workspace` });
          log.info({ userId: user.id }, "oauth user created");
        } catch (error) {
          log.error({ err: error, userId: user.id }, "could not create the first organization of an oauth user");
        }
      },
    },
    logger: {
      error: (error) => log.error({ err: { name: error.name, message: error.message } }, "auth error"),
      warn: (code) => log.warn({ code }, "auth warning"),
    },
  };
});
