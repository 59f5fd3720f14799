import { FileText, Folder } from "lucide-react";
import Link from "next/link";
import { downloadHref, driveHref } from "@/lib/drive/hrefs";
import type { SearchHit } from "@/lib/search/types";

// Results of a search inside files: name (opens the file), folder (opens it), and the passage
// that matched with the query's words marked.
export function SearchResults({ hits }: { hits: SearchHit[] }) {
  return (
    <ol className="grid gap-3" data-testid="search-results">
      {hits.map((h) => (
        <li key={h.fileId} className="rounded-lg border bg-card p-4 shadow-xs">
          <div className="flex min-w-0 flex-wrap items-baseline gap-x-3 gap-y-1">
            <a
              href={downloadHref(h.fileId)}
              target="_blank"
              rel="noopener"
              className="flex min-w-0 items-center gap-2 font-medium text-primary hover:underline"
            >
              <FileText className="size-4 shrink-0" aria-hidden />
              <span className="truncate">{h.name}</span>
            </a>
            <Link
              href={driveHref({ folder: h.folderId })}
              className="flex min-w-0 items-center gap-1 text-xs text-muted-foreground hover:underline"
            >
              <Folder className="size-3.5 shrink-0" aria-hidden />
              <span className="truncate">
                {h.folderPath === "/" ? "My Drive" : `My Drive${h.folderPath}`}
              </span>
            </Link>
          </div>
          {h.snippet.length > 0 && (
            <p className="mt-2 text-sm leading-relaxed break-words text-muted-foreground">
              {h.snippet.map((p, i) =>
                p.hit ? (
                  <mark
                    key={i}
                    className="rounded-sm bg-amber-200 px-0.5 text-foreground dark:bg-amber-500/40"
                  >
                    {p.text}
                  </mark>
                ) : (
                  <span key={i}>{p.text}</span>
                ),
              )}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
