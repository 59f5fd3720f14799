"use client";

import { UserRound } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";
import { APPS } from "./apps";

const itemClass =
  "flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap";

export function AppNav() {
  const pathname = usePathname();
  const isActive = (href: string) => pathname === href || pathname.startsWith(`${href}/`);
  return (
    <nav aria-label="Applications" className="flex gap-1 overflow-x-auto md:flex-col">
      {APPS.map((app) =>
        app.available ? (
          <Link
            key={app.name}
            href={app.href}
            aria-current={isActive(app.href) ? "page" : undefined}
            className={cn(itemClass, isActive(app.href) ? "bg-accent" : "hover:bg-accent/60")}
          >
            <app.icon className="size-4" aria-hidden />
            {app.name}
          </Link>
        ) : (
          <span
            key={app.name}
            aria-disabled="true"
            title={`${app.name} is not available yet`}
            className={cn(itemClass, "cursor-not-allowed text-muted-foreground/70")}
          >
            <app.icon className="size-4" aria-hidden />
            {app.name}
            <span className="ml-auto rounded-full bg-muted px-1.5 text-[10px] uppercase tracking-wide">
              Soon
            </span>
          </span>
        ),
      )}
      <Link
        href="/profile"
        aria-current={isActive("/profile") ? "page" : undefined}
        className={cn(
          itemClass,
          "md:mt-4",
          isActive("/profile") ? "bg-accent" : "hover:bg-accent/60",
        )}
      >
        <UserRound className="size-4" aria-hidden />
        Profile
      </Link>
    </nav>
  );
}
