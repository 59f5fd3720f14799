import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

// The listener's resume points (PulseCursor). The app deletes a tracker's row to make its source
// start over (another replay file, "replay again", a deleted tracker), so writes compare-and-set
// against what the listener last saw: a reset made meanwhile is never overwritten.

export async function loadCursor(key: string): Promise<string | undefined> {
  const row = await db.pulseCursor.findUnique({ where: { key } });
  return row?.cursor;
}

export async function deleteCursor(key: string): Promise<void> {
  await db.pulseCursor.deleteMany({ where: { key } });
}

// Stores `cursor` if the row still holds `expected` (undefined: if there is no row). False when
// someone else changed or removed it.
export async function saveCursorIf(
  key: string,
  cursor: string,
  expected: string | undefined,
): Promise<boolean> {
  if (expected === undefined) {
    try {
      await db.pulseCursor.create({ data: { key, cursor } });
      return true;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
        return false;
      throw error;
    }
  }
  const { count } = await db.pulseCursor.updateMany({
    where: { key, cursor: expected },
    data: { cursor },
  });
  return count === 1;
}

// For the shared Jetstream cursor, which only the listener writes.
export async function saveCursor(key: string, cursor: string): Promise<void> {
  await db.pulseCursor.upsert({ where: { key }, create: { key, cursor }, update: { cursor } });
}
