export default function ImagesLoading() {
  return (
    <div aria-busy="true" aria-live="polite" className="grid gap-5">
      <span className="sr-only">Loading your images…</span>
      <div className="flex items-end justify-between gap-3">
        <div className="grid gap-2">
          <div className="h-8 w-48 animate-pulse rounded-md bg-muted" />
          <div className="h-4 w-72 max-w-full animate-pulse rounded bg-muted" />
        </div>
        <div className="hidden h-10 w-40 animate-pulse rounded-md bg-muted sm:block" />
      </div>
      <div className="h-10 w-full animate-pulse rounded-md bg-muted sm:max-w-xs" />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 xl:grid-cols-5">
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="grid gap-2 rounded-lg border bg-card p-2">
            <div className="aspect-[4/3] animate-pulse rounded-md bg-muted" />
            <div className="h-4 w-3/4 animate-pulse rounded bg-muted" />
            <div className="h-3 w-1/2 animate-pulse rounded bg-muted" />
          </div>
        ))}
      </div>
    </div>
  );
}
