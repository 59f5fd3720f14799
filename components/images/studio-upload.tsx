"use client";

import { Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { FileInput } from "@/components/uploads/file-input";
import { UploadPanel } from "@/components/uploads/upload-panel";
import { useRefreshOnUpload, useUploader } from "@/components/uploads/use-uploader";

/**
 * "Upload an image" on the Image Studio page: the Drive's own uploader (progress, resume, quota)
 * into My Drive. One image opens in the editor as soon as it is stored; several stay in the grid.
 */
export function StudioUpload() {
  const input = useRef<HTMLInputElement>(null);
  const router = useRouter();
  const { manager, snapshot } = useUploader();
  const waitingFor = useRef<string | null>(null);
  // Set once the editor is being opened: no listing refresh may interrupt that navigation.
  const opening = useRef(false);
  useRefreshOnUpload(() => opening.current || waitingFor.current !== null);

  useEffect(() => {
    const id = waitingFor.current;
    if (!id) return;
    // The manager's live state, not the rendered snapshot: a file set on the input before the page
    // hydrated is added from an effect in this same commit, so the rendered snapshot does not hold
    // it yet, and reading that as "dismissed" dropped the navigation (the upload finished and the
    // page stayed on the grid).
    const item = manager.getSnapshot().items.find((i) => i.id === id);
    if (item?.phase === "done" && item.file) {
      opening.current = true;
      waitingFor.current = null;
      router.push(`/images/${item.file.id}`);
    } else if (!item || item.phase === "failed" || item.phase === "cancelled") {
      waitingFor.current = null;
    }
  }, [snapshot, manager, router]);

  const onFiles = (files: File[]) => {
    const ids = manager.add(files, null);
    waitingFor.current = ids.length === 1 ? (ids[0] ?? null) : null;
  };
  const choose = () => input.current?.click();

  return (
    <>
      <FileInput
        ref={input}
        accept="image/*"
        multiple
        data-testid="image-upload-input"
        onFiles={onFiles}
      />
      <Button type="button" onClick={choose}>
        <Upload aria-hidden />
        Upload an image
      </Button>
      <UploadPanel manager={manager} snapshot={snapshot} onChooseFiles={choose} />
    </>
  );
}
