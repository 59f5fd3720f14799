export default function BatchLoading() {
  return (
    <div aria-busy="true" aria-live="polite" className="grid gap-5">
      <span className="sr-only">Loading the batch…</span>
      <div className="h-8 w-40 animate-pulse rounded-md bg-muted" />
      <div className="h-20 animate-pulse rounded-lg bg-muted" />
      <div className="grid gap-px overflow-hidden rounded-lg border">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="h-14 animate-pulse bg-muted/60" />
        ))}
      </div>
    </div>
  );
}
