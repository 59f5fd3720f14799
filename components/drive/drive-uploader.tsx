"use client";

import { Upload } from "lucide-react";
import { useRef, type ChangeEvent } from "react";
import { Button } from "@/components/ui/button";
import { UploadPanel } from "@/components/uploads/upload-panel";
import { useRefreshOnUpload, useUploader } from "@/components/uploads/use-uploader";

export { UploadDropZone } from "@/components/uploads/upload-drop-zone";

/**
 * The "Upload" button (any number of files, into `folderId`, null = the drive's root) and the
 * progress panel. Choosing a file that matches an interrupted upload resumes it.
 */
export function DriveUploader({ folderId }: { folderId: string | null }) {
  const input = useRef<HTMLInputElement>(null);
  const { manager, snapshot } = useUploader();
  useRefreshOnUpload();

  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    // Cleared so that choosing the same file again (to resume it) fires another change.
    e.target.value = "";
    if (files.length > 0) manager.add(files, folderId);
  };
  const choose = () => input.current?.click();

  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="upload-input"
        onChange={onChange}
      />
      <Button type="button" onClick={choose}>
        <Upload aria-hidden />
        Upload
      </Button>
      <UploadPanel manager={manager} snapshot={snapshot} onChooseFiles={choose} />
    </>
  );
}
