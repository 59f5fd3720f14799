import { Download, FolderOpen } from "lucide-react";
import { downloadHref, driveHref, zipHref } from "@/lib/drive/hrefs";
import { Button } from "@/components/ui/button";
import { formatBytes, formatCount } from "@/lib/format/numbers";
import type { MapReduceView } from "@/lib/mapreduce/view-types";

// The result: each part file to download, all of them as a zip, the folder in the Drive, and the
// first lines of the output.

export function OutputPanel({ view }: { view: MapReduceView }) {
  const { outputs, preview } = view;
  const folderId = view.job.resultRef;
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap gap-2">
        {outputs.length > 0 && (
          <Button asChild>
            <a
              href={zipHref(
                outputs.map((o) => o.fileId),
                [],
              )}
              download
            >
              <Download aria-hidden />
              Download all (zip)
            </a>
          </Button>
        )}
        {folderId && (
          <Button asChild variant="outline">
            <a href={driveHref({ folder: folderId })}>
              <FolderOpen aria-hidden />
              Open in Drive
            </a>
          </Button>
        )}
      </div>
      <ul className="grid gap-1 text-sm" aria-label="Output files">
        {outputs.map((o) => (
          <li key={o.fileId} className="flex items-center gap-3">
            <a href={downloadHref(o.fileId)} className="font-mono text-xs hover:underline" download>
              {o.name}
            </a>
            <span className="text-xs tabular-nums text-muted-foreground">
              {formatBytes(o.bytes)} · {formatCount(o.records)} records
            </span>
          </li>
        ))}
      </ul>
      {preview && (
        <div className="grid gap-1">
          <h3 className="text-sm font-medium">
            Preview{" "}
            <span className="font-normal text-muted-foreground">
              (first {preview.lines.length} line{preview.lines.length === 1 ? "" : "s"}
              {preview.truncated ? " of more" : ""})
            </span>
          </h3>
          {preview.lines.length === 0 ? (
            <p className="text-sm text-muted-foreground">The output is empty.</p>
          ) : (
            <pre
              className="max-h-96 overflow-auto rounded-md border bg-muted/50 p-3 text-xs leading-5"
              data-testid="output-preview"
            >
              {preview.lines.join("\n")}
            </pre>
          )}
        </div>
      )}
    </div>
  );
}
