import type { NextAuthConfig } from "next-auth";

// Session and callback settings of the Auth.js configuration (lib/auth/auth.ts). Sessions are stateless JWTs
// (docs/decisions/001-jwt-sessions.md); proxy.ts decodes the same cookie with next-auth/jwt.
export const authBaseConfig = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        // The version this token was issued under (lib/auth/session-version.ts); adapter users carry the column too.
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 1;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      (session as { sessionVersion?: unknown }).sessionVersion = token.sv;
      return session;
    },
  },
} satisfies Omit<NextAuthConfig, "secret">;
