import "server-only";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { CredentialsSignin } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { authBaseConfig } from "@/lib/auth/auth-config";
import { signOutEverywhere } from "@/lib/auth/account";
import { authenticateWithinLimits } from "@/lib/auth/authenticate-within-limits";
import { revokeSession } from "@/lib/auth/revoked-sessions";
import { readSessionClaims } from "@/lib/auth/session-id";
import { getDb } from "@/lib/db/client";
import { getAuthSecret, getOAuthProviders } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { clientIpFrom } from "@/lib/observability/request-context";
import { createOrganization } from "@/lib/orgs/create-organization";

const log = logger.child({ module: "auth" });

/** Too many sign-in attempts from this address or for this account; the code reaches the sign-in form. */
export class SignInRateLimited extends CredentialsSignin {
  override code = "rate_limited";
}

// Lazy configuration: `next build` imports this module, and the database must not be opened at import time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const db = getDb();
  const oauth = getOAuthProviders();
  const providers: Provider[] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // Checked here, not in the form's action, so posts straight to /api/auth/callback/credentials are limited too.
      // Only failed attempts count, so signing in often never locks a user out; ten wrong guesses at one account (or
      // thirty from one address) do, for the window, also when they arrive all at once.
      authorize: async (credentials, request) => {
        const outcome = await authenticateWithinLimits({ credentials, ip: clientIpFrom(request.headers) }, db);
        if (!outcome.ok && outcome.reason === "rate_limited") throw new SignInRateLimited();
        if (!outcome.ok) return null;
        const { user } = outcome;
        return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
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
      // Every sign-out (the server action and POST /api/auth/signout) ends the session server-side, so a copy of the
      // cookie is refused from then on; the user's other sessions stay. A token from before session ids existed can
      // only be ended with all the others.
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        const userId = token?.sub;
        if (!userId) return;
        const claims = readSessionClaims(token as { sid?: unknown; sidExp?: unknown });
        try {
          if (claims) await revokeSession({ userId, claims });
          else await signOutEverywhere({ userId });
        } catch (error) {
          // The cookie is cleared all the same; the copy stays valid, so this must be seen.
          log.error({ err: error, userId }, "could not revoke the session being signed out");
        }
      },
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
