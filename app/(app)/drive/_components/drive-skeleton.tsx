// My Drive's shape while a folder loads (and the trash's).
export function DriveSkeleton() {
  return (
    <div aria-busy="true" aria-live="polite" className="grid gap-5">
      <span className="sr-only">Loading your drive…</span>
      <div className="flex items-end justify-between gap-3">
        <div className="h-8 w-40 animate-pulse rounded-md bg-muted" />
        <div className="hidden h-6 w-56 animate-pulse rounded-md bg-muted sm:block" />
      </div>
      <div className="flex gap-2">
        <div className="h-10 w-full animate-pulse rounded-md bg-muted sm:max-w-xs" />
        <div className="ml-auto hidden h-10 w-32 animate-pulse rounded-md bg-muted sm:block" />
        <div className="hidden h-10 w-24 animate-pulse rounded-md bg-muted sm:block" />
      </div>
      <div className="h-5 w-48 animate-pulse rounded bg-muted" />
      <div className="overflow-hidden rounded-lg border bg-card">
        <div className="h-9 border-b bg-muted/50" />
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="flex items-center gap-3 border-b px-3 py-3 last:border-b-0">
            <div className="size-4 animate-pulse rounded bg-muted" />
            <div className="size-5 animate-pulse rounded bg-muted" />
            <div
              className="h-4 animate-pulse rounded bg-muted"
              style={{ width: `${30 + ((i * 17) % 35)}%` }}
            />
            <div className="ml-auto hidden h-4 w-16 animate-pulse rounded bg-muted sm:block" />
            <div className="hidden h-4 w-24 animate-pulse rounded bg-muted md:block" />
          </div>
        ))}
      </div>
    </div>
  );
}
