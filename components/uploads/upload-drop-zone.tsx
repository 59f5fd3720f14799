"use client";

import { Upload } from "lucide-react";
import { useRef, useState, type DragEvent, type ReactNode } from "react";
import { cn } from "@/lib/utils";
import type { UploadManager } from "@/lib/drive/upload-client/upload-manager";
import { uploadManager } from "./use-uploader";

function carriesFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes("Files");
}

/**
 * Splits a drop into files and folders. Folders arrive as zero-byte "files" that cannot be read;
 * they are reported instead of failing mid-upload.
 */
export function droppedFiles(data: DataTransfer): { files: File[]; folders: string[] } {
  const files: File[] = [];
  const folders: string[] = [];
  const items = Array.from(data.items ?? []);
  if (items.length > 0) {
    for (const item of items) {
      if (item.kind !== "file") continue;
      const file = item.getAsFile();
      const entry = typeof item.webkitGetAsEntry === "function" ? item.webkitGetAsEntry() : null;
      if (entry?.isDirectory) folders.push(entry.name);
      else if (file) files.push(file);
    }
    return { files, folders };
  }
  return { files: Array.from(data.files), folders };
}

export function addDropped(
  manager: UploadManager,
  data: DataTransfer,
  folderId: string | null,
): void {
  const { files, folders } = droppedFiles(data);
  for (const name of folders) {
    manager.addRejected(
      name,
      "Folders cannot be uploaded by dropping them. Create the folder, then drop its files into it.",
    );
  }
  if (files.length > 0) manager.add(files, folderId);
}

export function UploadDropZone({
  folderId,
  children,
  className,
}: {
  folderId: string | null;
  children: ReactNode;
  className?: string;
}) {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when the pointer left.
  const depth = useRef(0);

  const onDragEnter = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth.current++;
    setOver(true);
  };
  const onDragOver = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  };
  const onDragLeave = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setOver(false);
  };
  const onDrop = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth.current = 0;
    setOver(false);
    addDropped(uploadManager(), e.dataTransfer, folderId);
  };

  return (
    <div
      className={cn("relative", className)}
      data-testid="upload-drop-zone"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {children}
      {over && (
        <div
          className="pointer-events-none absolute inset-0 z-30 flex items-center justify-center rounded-lg border-2 border-dashed border-primary bg-primary/10 backdrop-blur-[1px]"
          data-testid="drop-overlay"
        >
          <div className="flex items-center gap-2 rounded-md bg-card px-4 py-2 text-sm font-medium shadow-md">
            <Upload className="size-4 text-primary" aria-hidden />
            Drop files to upload them here
          </div>
        </div>
      )}
    </div>
  );
}
