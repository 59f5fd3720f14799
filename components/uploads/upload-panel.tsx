"use client";

import {
  ChevronDown,
  ChevronUp,
  CircleAlert,
  CircleCheck,
  FileUp,
  History,
  LoaderCircle,
  RotateCw,
  X,
} from "lucide-react";
import { useState } from "react";

/**
 * The tray floats over the bottom right corner, where the last rows' menus are. While it is shown
 * the page gets that much room below its content, so every row can be scrolled clear of it.
 */
function reserveSpaceBelow(tray: HTMLElement | null) {
  if (!tray) return;
  const body = document.body;
  const observer = new ResizeObserver(() => {
    body.style.paddingBottom = `${tray.offsetHeight + 24}px`;
  });
  observer.observe(tray);
  return () => {
    observer.disconnect();
    body.style.paddingBottom = "";
  };
}
import { Button } from "@/components/ui/button";
import { formatBytes, formatSpeed } from "@/lib/format/numbers";
import { formatDuration } from "@/lib/format/time";
import { cn } from "@/lib/utils";
import { ProgressBar } from "@/components/ui/progress-bar";
import type {
  InterruptedUpload,
  UploaderSnapshot,
  UploadItem,
} from "@/lib/drive/upload-client/upload-manager";
import type { UploadManager } from "@/lib/drive/upload-client/upload-manager";

// The floating panel in the bottom-right corner: overall progress, one row per file, and uploads
// a previous page left unfinished.

function headline(overall: UploaderSnapshot["overall"], count: number): string {
  if (overall.active > 0) {
    if (count === 1) return "Uploading 1 file";
    return `Uploading ${count} files · ${overall.done} done`;
  }
  if (overall.failed > 0) {
    return overall.failed === 1
      ? "1 upload needs attention"
      : `${overall.failed} uploads need attention`;
  }
  if (overall.done > 0)
    return overall.done === 1 ? "1 file uploaded" : `${overall.done} files uploaded`;
  return "Uploads";
}

function rate(bytesPerSecond: number | null, secondsLeft: number | null): string[] {
  const parts: string[] = [];
  if (bytesPerSecond) parts.push(formatSpeed(bytesPerSecond));
  if (secondsLeft !== null && bytesPerSecond) parts.push(`${formatDuration(secondsLeft)} left`);
  return parts;
}

function itemStatus(item: UploadItem): string {
  switch (item.phase) {
    case "queued":
      return "Waiting…";
    case "checking":
      return item.resumedBytes > 0 || item.loaded > 0 ? "Resuming…" : "Preparing…";
    case "uploading": {
      const percent = item.size > 0 ? Math.floor((item.loaded / item.size) * 100) : 100;
      const resumed = item.resumedBytes > 0 ? [`resumed at ${formatBytes(item.resumedBytes)}`] : [];
      return [
        `${percent}%`,
        `${formatBytes(item.loaded)} of ${formatBytes(item.size)}`,
        ...rate(item.bytesPerSecond, item.secondsLeft),
        ...resumed,
      ].join(" · ");
    }
    case "finishing":
      return "Checking the upload…";
    case "done":
      return item.file && item.file.name !== item.name
        ? `Uploaded as “${item.file.name}”`
        : `Uploaded · ${formatBytes(item.size)}`;
    case "failed":
      return item.error ?? "Failed";
    case "cancelled":
      return "Cancelled";
  }
}

function ItemIcon({ item }: { item: UploadItem }) {
  const common = "mt-0.5 size-4 shrink-0";
  if (item.phase === "done")
    return <CircleCheck className={cn(common, "text-success")} aria-hidden />;
  if (item.phase === "failed") {
    return <CircleAlert className={cn(common, "text-destructive")} aria-hidden />;
  }
  if (item.phase === "cancelled") {
    return <X className={cn(common, "text-muted-foreground")} aria-hidden />;
  }
  if (item.phase === "uploading") {
    return <FileUp className={cn(common, "text-primary")} aria-hidden />;
  }
  return <LoaderCircle className={cn(common, "animate-spin text-muted-foreground")} aria-hidden />;
}

function ItemRow({ item, manager }: { item: UploadItem; manager: UploadManager }) {
  const active = ["queued", "checking", "uploading"].includes(item.phase);
  const tone =
    item.phase === "done"
      ? "done"
      : item.phase === "failed"
        ? "failed"
        : item.phase === "cancelled"
          ? "muted"
          : "active";
  return (
    <li className="grid gap-1.5 px-4 py-2.5" data-testid="upload-item" data-phase={item.phase}>
      <div className="flex items-start gap-2">
        <ItemIcon item={item} />
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium" title={item.name}>
            {item.name}
          </p>
          <p
            className={cn(
              "text-xs",
              item.phase === "failed" ? "text-destructive" : "text-muted-foreground",
            )}
            data-testid="upload-status"
          >
            {itemStatus(item)}
          </p>
          {item.note && (
            <p className="text-xs text-muted-foreground italic" role="status">
              {item.note}
            </p>
          )}
        </div>
        <div className="-mr-2 -mt-1 flex shrink-0 items-center">
          {item.phase === "failed" && item.retryable && (
            <Button
              variant="ghost"
              size="icon"
              className="size-8"
              aria-label={`Retry ${item.name}`}
              title="Retry"
              onClick={() => manager.retry(item.id)}
            >
              <RotateCw aria-hidden />
            </Button>
          )}
          {active && (
            <Button
              variant="ghost"
              size="icon"
              className="size-8"
              aria-label={`Cancel ${item.name}`}
              title="Cancel"
              onClick={() => manager.cancel(item.id)}
            >
              <X aria-hidden />
            </Button>
          )}
          {!active && item.phase !== "finishing" && (
            <Button
              variant="ghost"
              size="icon"
              className="size-8"
              aria-label={`Remove ${item.name} from the list`}
              title={item.phase === "failed" ? "Discard" : "Remove from the list"}
              onClick={() => manager.dismiss(item.id)}
            >
              <X aria-hidden />
            </Button>
          )}
        </div>
      </div>
      {item.phase !== "failed" && item.phase !== "cancelled" && (
        <ProgressBar
          value={item.phase === "done" ? item.size : item.loaded}
          max={item.size}
          tone={tone}
          label={`${item.name} upload progress`}
        />
      )}
    </li>
  );
}

function InterruptedRow({
  upload,
  manager,
  onChoose,
}: {
  upload: InterruptedUpload;
  manager: UploadManager;
  onChoose: () => void;
}) {
  const sent =
    upload.uploadedBytes === null
      ? formatBytes(upload.size)
      : `${formatBytes(upload.uploadedBytes)} of ${formatBytes(upload.size)} uploaded`;
  return (
    <li className="flex items-center gap-2 px-4 py-2" data-testid="interrupted-upload">
      <History className="size-4 shrink-0 text-muted-foreground" aria-hidden />
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium" title={upload.name}>
          {upload.name}
        </p>
        <p className="text-xs text-muted-foreground">{sent}</p>
      </div>
      <Button variant="outline" size="sm" className="h-8" onClick={onChoose}>
        Choose file
      </Button>
      <Button
        variant="ghost"
        size="sm"
        className="h-8"
        aria-label={`Discard the interrupted upload of ${upload.name}`}
        onClick={() => void manager.discardInterrupted(upload.uploadId)}
      >
        Discard
      </Button>
    </li>
  );
}

export function UploadPanel({
  manager,
  snapshot,
  onChooseFiles,
}: {
  manager: UploadManager;
  snapshot: UploaderSnapshot;
  onChooseFiles: () => void;
}) {
  const [collapsed, setCollapsed] = useState(false);
  const { items, interrupted, overall } = snapshot;
  if (items.length === 0 && interrupted.length === 0) return null;
  const counted = items.filter((i) => i.phase !== "cancelled" && i.phase !== "failed");
  const stats = [
    `${formatBytes(overall.loaded)} of ${formatBytes(overall.total)}`,
    ...(overall.active > 0 ? rate(overall.bytesPerSecond, overall.secondsLeft) : []),
  ].join(" · ");

  return (
    <section
      ref={reserveSpaceBelow}
      aria-label="Uploads"
      data-testid="upload-panel"
      className="fixed right-4 bottom-4 z-40 flex max-h-[min(32rem,calc(100dvh-6rem))] w-[min(26rem,calc(100vw-2rem))] flex-col overflow-hidden rounded-lg border bg-card text-card-foreground shadow-lg"
    >
      <header className="flex items-center gap-2 border-b px-4 py-2.5">
        <h2 className="min-w-0 flex-1 truncate text-sm font-semibold" aria-live="polite">
          {items.length > 0
            ? headline(overall, items.filter((i) => i.phase !== "cancelled").length)
            : "Uploads"}
        </h2>
        {items.length > 0 && overall.active === 0 && (
          <Button variant="ghost" size="sm" className="h-8" onClick={() => manager.clearFinished()}>
            Clear
          </Button>
        )}
        <Button
          variant="ghost"
          size="icon"
          className="size-8"
          aria-label={collapsed ? "Show uploads" : "Hide upload details"}
          aria-expanded={!collapsed}
          onClick={() => setCollapsed((c) => !c)}
        >
          {collapsed ? <ChevronUp aria-hidden /> : <ChevronDown aria-hidden />}
        </Button>
      </header>

      {counted.length > 0 && (
        <div className="grid gap-1.5 border-b px-4 py-2.5" data-testid="upload-overall">
          <ProgressBar
            value={overall.loaded}
            max={overall.total}
            tone={overall.active === 0 && overall.failed === 0 ? "done" : "active"}
            label="Overall upload progress"
          />
          <p className="text-xs text-muted-foreground tabular-nums">{stats}</p>
        </div>
      )}

      {!collapsed && (
        <div className="min-h-0 overflow-y-auto">
          {interrupted.length > 0 && (
            <div className="border-b bg-muted/40" data-testid="interrupted-uploads">
              <p className="px-4 pt-2.5 text-xs font-medium">
                Interrupted uploads — choose the same file to resume
              </p>
              <ul>
                {interrupted.map((u) => (
                  <InterruptedRow
                    key={u.uploadId}
                    upload={u}
                    manager={manager}
                    onChoose={onChooseFiles}
                  />
                ))}
              </ul>
            </div>
          )}
          {items.length > 0 && (
            <ul className="divide-y">
              {items.map((item) => (
                <ItemRow key={item.id} item={item} manager={manager} />
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
