import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

// A sub-page's header: the way back to its feature, the page's title, and any actions after it.
// A long title (a file name) is cut to one line and shown whole on hover.
export function BackHeader({
  href,
  back,
  title,
  compact = false,
  children,
}: {
  href: string;
  back: string;
  title: string;
  /** The editor's smaller title, which shares its row with the actions. */
  compact?: boolean;
  children?: ReactNode;
}) {
  // min-w-0: a long title is cut here instead of widening a grid parent past the screen.
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-2">
      <Button asChild variant="ghost" size="sm" className="-ml-2">
        <Link href={href}>
          <ArrowLeft aria-hidden />
          {back}
        </Link>
      </Button>
      <h1
        className={cn(
          "min-w-0 truncate font-semibold tracking-tight",
          compact ? "flex-1 text-xl" : "text-2xl",
        )}
        title={title}
      >
        {title}
      </h1>
      {children}
    </div>
  );
}
