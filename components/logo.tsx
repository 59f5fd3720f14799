import { CloudCog } from "lucide-react";
import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 font-semibold tracking-tight">
      <CloudCog className="size-6 text-primary" aria-hidden />
      <span>Stratus</span>
    </Link>
  );
}
