"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export default function AppError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="grid max-w-lg gap-4">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <Alert>
        This page could not be loaded. Your data is safe; try again in a moment.
        {error.digest && (
          <span className="block text-xs opacity-80">Reference: {error.digest}</span>
        )}
      </Alert>
      <div>
        <Button onClick={reset}>Try again</Button>
      </div>
    </div>
  );
}
