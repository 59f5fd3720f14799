import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
  interface User {
    sessionVersion?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    // The user's session version when the token was issued (lib/auth/session-claims.ts).
    sv?: number;
    // This sign-in's id, kept across renewals: signing out revokes it.
    sid?: string;
    // When the user signed in (epoch ms): the absolute lifetime counts from it.
    authAt?: number;
    iat?: number;
    exp?: number;
    jti?: string;
  }
}
