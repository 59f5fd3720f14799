"use client";

import { CircleAlert } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

export default function PulseError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
      <CircleAlert className="size-10 text-destructive" aria-hidden />
      <h1 className="text-lg font-semibold">Pulse could not be loaded</h1>
      <p className="max-w-sm text-sm text-muted-foreground" role="alert">
        Your trackers keep collecting in the background; the server may be busy. Try again in a
        moment.
        {error.digest && <span className="block text-xs">Reference: {error.digest}</span>}
      </p>
      <div className="flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <Button asChild variant="outline">
          <Link href="/pulse">All trackers</Link>
        </Button>
      </div>
    </div>
  );
}
