import type { NextAuthConfig } from "next-auth";

// The part of the Auth.js configuration that needs no database: shared by the full config (lib/auth/auth.ts) and by
// proxy.ts, which only has to read the session cookie.
export const authBaseConfig = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies Omit<NextAuthConfig, "secret">;
