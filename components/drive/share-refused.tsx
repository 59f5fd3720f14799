"use client";

import { Ban, CalendarX, SearchX } from "lucide-react";
import { createContext, useContext, type ReactNode } from "react";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { shareRefusal, shareRefusalTitle, type ShareRefusal } from "@/lib/drive/share-messages";

// Why a share link shows nothing. The page answers these with notFound() (HTTP 404), and
// not-found.tsx cannot be handed props: the segment's layout, which knows the reason, passes it
// down through this context.

const ICONS = { "not-found": SearchX, revoked: Ban, expired: CalendarX, "limit-reached": Ban };

const RefusalContext = createContext<ShareRefusal>("not-found");

export function ShareRefusalProvider({
  reason,
  children,
}: {
  reason: ShareRefusal | null;
  children: ReactNode;
}) {
  return <RefusalContext value={reason ?? "not-found"}>{children}</RefusalContext>;
}

export function ShareRefused() {
  const reason = useContext(RefusalContext);
  const Icon = ICONS[reason];
  return (
    <Card data-testid="share-refused">
      <CardHeader className="items-center text-center">
        <Icon className="mb-2 size-10 text-muted-foreground" aria-hidden />
        <CardTitle>
          <span className="text-xl">{shareRefusalTitle(reason)}</span>
        </CardTitle>
        <CardDescription>{shareRefusal(reason)}</CardDescription>
      </CardHeader>
    </Card>
  );
}
