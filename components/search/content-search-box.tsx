import { FileSearch } from "lucide-react";
import { Input } from "@/components/ui/input";

// The Drive header's search inside files (PDF, Office, text): a plain GET form, so it works
// before hydration and the results page is a shareable URL.
export function ContentSearchBox({ q, className }: { q?: string; className?: string }) {
  return (
    <form role="search" action="/drive/search" className={className ?? "relative w-full sm:w-72"}>
      <label htmlFor="content-search" className="sr-only">
        Search inside files
      </label>
      <FileSearch
        className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
        aria-hidden
      />
      <Input
        id="content-search"
        name="q"
        type="search"
        placeholder="Search inside files"
        defaultValue={q ?? ""}
        maxLength={200}
        className="pl-9"
        autoComplete="off"
        enterKeyHint="search"
      />
    </form>
  );
}
