import { CircleAlert, CircleCheck } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

type AlertProps = ComponentProps<"div"> & { variant?: "error" | "success" };

// role=alert so screen readers announce form outcomes without moving focus.
export function Alert({ variant = "error", className, children, ...props }: AlertProps) {
  const Icon = variant === "error" ? CircleAlert : CircleCheck;
  return (
    <div
      role="alert"
      className={cn(
        "flex items-start gap-2 rounded-md border px-3 py-2 text-sm",
        variant === "error"
          ? "border-destructive/40 bg-destructive/10 text-destructive"
          : "border-success/40 bg-success/10 text-success",
        className,
      )}
      {...props}
    >
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div>{children}</div>
    </div>
  );
}
