import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db/client";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { deleteDriveData, detachFolderTree } from "@/lib/drive/account-cleanup";

// Data access for accounts. Inputs are already parsed by the zod schemas in lib/auth/schemas.ts.

export async function createAccount(input: { name: string; email: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { name: input.name, email: input.email, passwordHash },
      select: { id: true, email: true, name: true },
    });
    return { ok: true as const, user };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      return { ok: false as const, reason: "email-taken" as const };
    }
    throw e;
  }
}

export async function updateName(userId: string, name: string) {
  await db.user.update({ where: { id: userId }, data: { name } });
}

async function passwordMatches(userId: string, password: string): Promise<boolean> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true },
  });
  return user ? verifyPassword(user.passwordHash, password) : false;
}

export async function changePassword(userId: string, current: string, next: string) {
  if (!(await passwordMatches(userId, current))) return { ok: false as const };
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(next) } });
  return { ok: true as const };
}

// Removes every row the user owns. Features that own rows (files, jobs, …) hang them off User
// with ON DELETE CASCADE or add their cleanup here.
export async function deleteAccount(userId: string, password: string) {
  if (!(await passwordMatches(userId, password))) return { ok: false as const };
  // Objects first: once the rows are gone nothing would record which objects were the user's.
  await deleteDriveData(userId);
  await db.$transaction(async (tx) => {
    await detachFolderTree(tx, userId);
    const user = await tx.user.delete({ where: { id: userId }, select: { email: true } });
    await tx.loginAttempt.deleteMany({ where: { email: user.email } });
  });
  return { ok: true as const };
}
