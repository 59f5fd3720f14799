import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { db } from "@/lib/db/client";
import { authOptions } from "./options";

// The JWT says who signed in; the database says whether that account still exists
// (a deleted account's token must stop working everywhere at once).
export const currentUser = cache(async () => {
  // Who is asking is only known at request time: never prerender a page that asks.
  await connection();
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  return db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, createdAt: true },
  });
});

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>>;

export async function requireUser(nextPath = "/home"): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(nextPath)}`);
  return user;
}

export const SESSION_ENDED = "Your session has ended. Sign in again.";
