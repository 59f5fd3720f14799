import type { ReactNode } from "react";
import { ShareRefusalProvider } from "@/components/drive/share-refused";
import { refusalOf, shareView } from "./_lib/visitor-view";

export default async function ShareTokenLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ token: string }>;
}) {
  const reason = refusalOf(await shareView((await params).token));
  return <ShareRefusalProvider reason={reason}>{children}</ShareRefusalProvider>;
}
