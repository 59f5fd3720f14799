import { ChevronDown } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

export type SelectProps = Omit<ComponentProps<"select">, "size"> & {
  /** "sm" for toolbars and dense panels (h-9), default beside Input (h-10). */
  size?: "default" | "sm";
};

/**
 * The house select: a native <select> styled like Input, with its own chevron. Native on purpose:
 * it submits with its form without JavaScript (server actions read `name`), phones show their own
 * picker, screen readers and keyboards get the platform's behaviour, and tests drive it with
 * selectOption. `className` sizes the box (w-full, flex-1, min-w-0); the other props go to the
 * <select> itself.
 */
export function Select({ className, size = "default", children, ...props }: SelectProps) {
  return (
    <span className={cn("relative inline-flex", className)}>
      <select
        className={cn(
          "w-full min-w-0 appearance-none rounded-md border border-input bg-card text-sm text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive dark:[color-scheme:dark] [&_option]:bg-card",
          size === "sm" ? "h-9 pl-2 pr-7" : "h-10 pl-3 pr-8",
        )}
        {...props}
      >
        {children}
      </select>
      <ChevronDown
        aria-hidden
        className={cn(
          "pointer-events-none absolute top-1/2 size-4 -translate-y-1/2 text-muted-foreground",
          size === "sm" ? "right-2" : "right-2.5",
        )}
      />
    </span>
  );
}
