"use client";

import { CircleAlert } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** The error state of an app's pages: what failed, why the user's data is safe, and two ways on. */
export function SectionError({
  error,
  reset,
  title,
  children,
  back,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  title: string;
  children: ReactNode;
  back: { href: string; label: string };
}) {
  return (
    <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
      <CircleAlert className="size-10 text-destructive" aria-hidden />
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="max-w-sm text-sm text-muted-foreground" role="alert">
        {children}
        {error.digest && <span className="block text-xs">Reference: {error.digest}</span>}
      </p>
      <div className="flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <Button asChild variant="outline">
          <Link href={back.href}>{back.label}</Link>
        </Button>
      </div>
    </div>
  );
}
