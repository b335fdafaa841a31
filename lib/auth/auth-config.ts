import type { NextAuthConfig } from "next-auth";
import { newSessionClaims, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-id";

// Session and callback settings of the Auth.js configuration (lib/auth/auth.ts). Sessions are stateless JWTs
// (docs/decisions/001-jwt-sessions.md); proxy.ts decodes the same cookie with next-auth/jwt.
export const authBaseConfig = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        // The version this token was issued under (lib/auth/session-version.ts); adapter users carry the column too.
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 1;
        // A new session: its own id, so signing out can end it alone (lib/auth/session-id.ts).
        Object.assign(token, newSessionClaims());
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      Object.assign(session, { sessionVersion: token.sv, sid: token.sid, sidExp: token.sidExp });
      return session;
    },
  },
} satisfies Omit<NextAuthConfig, "secret">;
