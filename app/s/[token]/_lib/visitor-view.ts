import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { visitorView, type VisitorView } from "@/lib/drive/share-links";
import type { ShareRefusal } from "@/lib/drive/share-messages";
import { shareTokenSchema } from "@/lib/drive/share-schemas";

// One look-up per request, shared by the layout (which tells not-found.tsx why) and the page.
export const shareView = cache(
  async (rawToken: string): Promise<{ token: string; view: VisitorView } | null> => {
    const token = shareTokenSchema.safeParse(rawToken);
    if (!token.success) return null;
    const jar = await cookies();
    return { token: token.data, view: await visitorView(token.data, (n) => jar.get(n)?.value) };
  },
);

export function refusalOf(found: { view: VisitorView } | null): ShareRefusal | null {
  if (!found) return "not-found";
  const { status } = found.view;
  return status === "open" || status === "locked" ? null : status;
}
