import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { HydrationMark } from "@/components/shared/hydration-mark";
import { ThemeProvider } from "@/components/theme-provider";
import { NONCE_HEADER } from "@/lib/http/security-headers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Stratus", template: "%s · Stratus" },
  description: "A self-hostable cloud workspace: Drive, Image Studio, MapReduce and Pulse.",
};

// Reading the request's nonce makes every page render per request, as nonces require (a
// prerendered page would carry scripts the Content-Security-Policy refuses).
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    // next-themes sets the class before hydration; the mismatch warning is expected.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-dvh">
        <ThemeProvider nonce={nonce}>{children}</ThemeProvider>
        <HydrationMark />
      </body>
    </html>
  );
}
