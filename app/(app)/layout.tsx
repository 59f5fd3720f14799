import Link from "next/link";
import type { ReactNode } from "react";
import { VerifyBanner } from "@/components/auth/verify-banner";
import { Logo } from "@/components/logo";
import { AppNav } from "@/components/shell/app-nav";
import { LogoutButton } from "@/components/shell/logout-button";
import { ThemeToggle } from "@/components/theme-toggle";
import { requireUser } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 border-b bg-background/90 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3">
          <Logo href="/home" />
          <div className="ml-auto flex items-center gap-1">
            <Link
              href="/profile"
              className="hidden max-w-48 truncate text-sm text-muted-foreground hover:text-foreground sm:block"
              data-testid="user-name"
            >
              {user.name}
            </Link>
            <ThemeToggle />
            <LogoutButton />
          </div>
        </div>
      </header>
      {!user.emailVerifiedAt && <VerifyBanner email={user.email} />}
      <div className="mx-auto flex w-full max-w-6xl flex-1 flex-col gap-6 px-4 py-6 md:flex-row">
        <aside className="md:w-48 md:shrink-0">
          <AppNav />
        </aside>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  );
}
