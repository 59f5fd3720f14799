export default function MapReduceLoading() {
  return (
    <div aria-busy="true" aria-live="polite" className="grid gap-5">
      <span className="sr-only">Loading your jobs…</span>
      <div className="flex items-end justify-between gap-3">
        <div className="grid gap-2">
          <div className="h-8 w-56 animate-pulse rounded-md bg-muted" />
          <div className="h-4 w-80 max-w-full animate-pulse rounded bg-muted" />
        </div>
        <div className="h-10 w-28 animate-pulse rounded-md bg-muted" />
      </div>
      <div className="grid gap-2 rounded-lg border bg-card p-3">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-10 animate-pulse rounded bg-muted" />
        ))}
      </div>
    </div>
  );
}
