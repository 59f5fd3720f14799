import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { serverEnv } from "@/lib/env";
import { clientIp } from "./client-ip";
import { burnPasswordCheck, verifyPassword } from "./password";
import { logInSchema } from "./schemas";
import { revokeSession, SESSION_LIFETIME } from "./session-claims";
import { throttledError } from "./throttle-message";
import { checkThrottle, recordAttempt } from "./throttle";

let options: NextAuthOptions | undefined;

// Built on first use rather than at import, so `next build` needs no secrets.
export function authOptions(): NextAuthOptions {
  options ??= build();
  return options;
}

const build = (): NextAuthOptions => ({
  secret: serverEnv().NEXTAUTH_SECRET,
  // Idle lifetime; renewed while used, capped at SESSION_LIFETIME.absoluteMs (session-claims.ts).
  session: { strategy: "jwt", maxAge: SESSION_LIFETIME.idleSeconds },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        const parsed = logInSchema.safeParse(credentials ?? {});
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const ip = clientIp(req.headers ?? {}, serverEnv().TRUSTED_PROXY_HOPS);

        const verdict = await checkThrottle(email, ip);
        if (!verdict.allowed) throw new Error(throttledError(verdict.retryAt));

        const user = await db.user.findUnique({
          where: { email },
          omit: { passwordHash: false },
        });
        let ok = false;
        if (user) ok = await verifyPassword(user.passwordHash, password);
        else await burnPasswordCheck(password);
        await recordAttempt(email, ip, ok);
        return ok && user
          ? { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion }
          : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // Only at sign-in does `user` come: the claims that make this token revocable.
      if (user) {
        token.sv = user.sessionVersion ?? 0;
        token.sid = randomUUID();
        token.authAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
  events: {
    // Signing out revokes the token it was given, not just the cookie in this browser.
    async signOut({ token }) {
      if (token) await revokeSession(token);
    },
  },
});
