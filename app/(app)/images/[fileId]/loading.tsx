export default function EditorLoading() {
  return (
    <div aria-busy="true" aria-live="polite" className="grid gap-4">
      <span className="sr-only">Opening the editor…</span>
      <div className="flex items-center gap-3">
        <div className="h-8 w-20 animate-pulse rounded-md bg-muted" />
        <div className="h-7 w-56 animate-pulse rounded-md bg-muted" />
        <div className="ml-auto h-9 w-40 animate-pulse rounded-md bg-muted" />
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="h-[min(62dvh,640px)] min-h-64 animate-pulse rounded-lg bg-muted" />
        <div className="grid content-start gap-4">
          <div className="h-48 animate-pulse rounded-lg bg-muted" />
          <div className="h-36 animate-pulse rounded-lg bg-muted" />
          <div className="h-28 animate-pulse rounded-lg bg-muted" />
        </div>
      </div>
    </div>
  );
}
