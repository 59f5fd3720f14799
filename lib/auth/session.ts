import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { sessionUser } from "./session-claims";
import { decodeSession, sessionCookieName } from "./session-cookie";

// The JWT says who signed in and under which session; the database says whether that session
// still counts: the account exists, its session version is the token's (a password change or
// "sign out everywhere" ends older tokens), and this session was not signed out.
export const currentUser = cache(async () => {
  // Who is asking is only known at request time: never prerender a page that asks.
  await connection();
  const token = await decodeSession((await cookies()).get(sessionCookieName())?.value);
  return token ? sessionUser(token) : null;
});

/** The signed-in session's claims (for actions that re-issue or revoke it). */
export async function currentSessionToken() {
  return decodeSession((await cookies()).get(sessionCookieName())?.value);
}

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>>;

export async function requireUser(nextPath = "/home"): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(nextPath)}`);
  return user;
}

export const SESSION_ENDED = "Your session has ended. Sign in again.";
