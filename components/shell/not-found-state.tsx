import type { LucideIcon } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

// What a not-found page of the app says (answered with HTTP 404): what is missing, why it may
// be, and where to go instead.
export function NotFoundState({
  icon: Icon,
  title,
  children,
  href,
  action,
}: {
  icon: LucideIcon;
  title: string;
  children: React.ReactNode;
  href: string;
  action: string;
}) {
  return (
    <div
      className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center"
      data-testid="not-found"
    >
      <Icon className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="max-w-sm text-sm text-muted-foreground">{children}</p>
      <Button asChild variant="outline">
        <Link href={href}>{action}</Link>
      </Button>
    </div>
  );
}
