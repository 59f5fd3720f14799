import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme-toggle";

export const metadata: Metadata = {
  // A share link is a secret: keep it out of search engines and out of Referer headers sent to
  // the store or anywhere the visitor goes next.
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

// Outside the signed-in shell: visitors of a share link see Stratus, never the owner's drive.
export default function ShareLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-5xl items-center justify-between px-4 py-4">
        <Logo />
        <ThemeToggle />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 py-8 sm:items-center">
        {/* A folder link's listing (data-wide) needs the room; a single file's card does not. */}
        <div className="w-full max-w-md has-data-wide:max-w-3xl">{children}</div>
      </main>
    </div>
  );
}
