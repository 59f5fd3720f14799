import type { LucideIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";

/** What an auth form shows once it has done its work: an icon, the message, what to do next. */
export function AuthDone({
  icon: Icon,
  message,
  detail,
  children,
}: {
  icon: LucideIcon;
  message: ReactNode;
  detail?: ReactNode;
  /** The way on (a button). */
  children: ReactNode;
}) {
  return (
    <div className="grid gap-4" role="status">
      <div className="flex items-start gap-3">
        <Icon className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden />
        <div className="grid min-w-0 gap-1 text-sm [overflow-wrap:anywhere]">
          <p className="font-medium">{message}</p>
          {detail && <p className="text-muted-foreground">{detail}</p>}
        </div>
      </div>
      {children}
    </div>
  );
}

/** The line under an auth form that leads to its sibling page ("New to Stratus? Create an account"). */
export function AuthFooterLink({
  prompt,
  href,
  children,
}: {
  prompt: string;
  href: string;
  children: ReactNode;
}) {
  return (
    <p className="text-center text-sm text-muted-foreground">
      {prompt}{" "}
      <Link className="text-primary underline-offset-4 hover:underline" href={href}>
        {children}
      </Link>
    </p>
  );
}
