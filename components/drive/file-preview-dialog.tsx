"use client";

import { Download, FileIcon, LoaderCircle } from "lucide-react";
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { previewKind } from "@/lib/drive/preview-kind";
import type { DriveApiError, DriveFile } from "@/lib/drive/types";
import { formatBytes } from "@/lib/format/numbers";
import { cn } from "@/lib/utils";

function fileUrl(file: DriveFile, what: "download" | "inline" | "text"): string {
  const base = `/api/drive/files/${encodeURIComponent(file.id)}`;
  if (what === "text") return `${base}/text`;
  return what === "inline" ? `${base}/download?inline=1` : `${base}/download`;
}

export function FilePreviewDialog({
  file,
  open,
  onOpenChange,
}: {
  file: DriveFile;
  open: boolean;
  onOpenChange(open: boolean): void;
}) {
  const kind = previewKind(file.contentType, file.name);
  const wide = kind !== "none" && kind !== "audio";
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        className={cn(
          "max-h-[calc(100dvh-2rem)] grid-rows-[auto_minmax(0,1fr)_auto]",
          wide && "max-w-4xl",
        )}
      >
        <div className="min-w-0 pr-6">
          <DialogTitle className="truncate" title={file.name}>
            {file.name}
          </DialogTitle>
          <DialogDescription>
            {formatBytes(file.size)} · {file.contentType}
          </DialogDescription>
        </div>
        {/* Mounted only while open, so a closed dialog fetches nothing. */}
        <div className="min-h-0 overflow-auto">
          {open && <PreviewBody file={file} kind={kind} />}
        </div>
        <div className="flex justify-end">
          <Button asChild>
            <a href={fileUrl(file, "download")} download>
              <Download aria-hidden />
              Download
            </a>
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}

function PreviewBody({ file, kind }: { file: DriveFile; kind: ReturnType<typeof previewKind> }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <NoPreview file={file} message="This file could not be loaded for preview." />;
  const src = fileUrl(file, "inline");
  switch (kind) {
    case "image":
      return (
        // The bytes come from a presigned redirect, which next/image cannot optimise.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          src={src}
          alt={file.name}
          className="mx-auto max-h-[70dvh] max-w-full rounded-md object-contain"
          onError={() => setFailed(true)}
        />
      );
    case "pdf":
      // Phones (Chrome on Android, most WebViews) have no built-in PDF viewer.
      if (typeof navigator !== "undefined" && navigator.pdfViewerEnabled === false) {
        return (
          <NoPreview
            file={file}
            message="This browser cannot show PDFs here; download it to read."
          />
        );
      }
      return (
        <object
          data={src}
          type="application/pdf"
          aria-label={`Preview of ${file.name}`}
          className="h-[70dvh] w-full rounded-md border bg-white"
        >
          <NoPreview
            file={file}
            message="This browser cannot show PDFs here; download it to read."
          />
        </object>
      );
    case "video":
      return (
        <video
          src={src}
          controls
          className="mx-auto max-h-[70dvh] max-w-full rounded-md"
          onError={() => setFailed(true)}
        />
      );
    case "audio":
      return <audio src={src} controls className="w-full" onError={() => setFailed(true)} />;
    case "text":
      return <TextPreview file={file} />;
    default:
      return <NoPreview file={file} />;
  }
}

function NoPreview({ file, message }: { file: DriveFile; message?: string }) {
  return (
    <div className="flex flex-col items-center gap-2 py-8 text-center">
      <FileIcon className="size-12 text-muted-foreground" aria-hidden />
      <p className="max-w-full break-words font-medium">{file.name}</p>
      <p className="text-sm text-muted-foreground">
        {message ?? `No preview for this kind of file (${formatBytes(file.size)}).`}
      </p>
    </div>
  );
}

type TextState =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; text: string; truncated: boolean; size: number };

function TextPreview({ file }: { file: DriveFile }) {
  const [state, setState] = useState<TextState>({ status: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const res = await fetch(fileUrl(file, "text"), { signal: controller.signal });
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as DriveApiError | null;
          setState({ status: "error", message: body?.message ?? "The preview could not load." });
          return;
        }
        const body = (await res.json()) as { text: string; truncated: boolean; size: number };
        setState({ status: "ready", ...body });
      } catch {
        if (!controller.signal.aborted) {
          setState({
            status: "error",
            message: "The preview could not load. Check your connection.",
          });
        }
      }
    })();
    return () => controller.abort();
  }, [file]);

  if (state.status === "loading") {
    return (
      <p className="flex items-center justify-center gap-2 py-10 text-sm text-muted-foreground">
        <LoaderCircle className="size-4 animate-spin" aria-hidden />
        Loading preview…
      </p>
    );
  }
  if (state.status === "error") return <Alert>{state.message}</Alert>;
  return (
    <div className="grid gap-2">
      {state.truncated && (
        <p className="text-xs text-muted-foreground" data-testid="preview-truncated">
          Showing the first 64 KB of {formatBytes(state.size)}. Download the file to see all of it.
        </p>
      )}
      {/* Rendered as a text node: markup in the file stays text. */}
      <pre
        className="max-h-[65dvh] overflow-auto whitespace-pre-wrap break-words rounded-md border bg-muted p-3 font-mono text-xs leading-relaxed"
        data-testid="preview-text"
      >
        {state.text === "" ? "(empty file)" : state.text}
      </pre>
    </div>
  );
}
