"use client";

import { Upload } from "lucide-react";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { FileInput } from "@/components/uploads/file-input";
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

  const choose = () => input.current?.click();

  return (
    <>
      <FileInput
        ref={input}
        multiple
        data-testid="upload-input"
        onFiles={(files) => manager.add(files, folderId)}
      />
      <Button type="button" onClick={choose}>
        <Upload aria-hidden />
        Upload
      </Button>
      <UploadPanel manager={manager} snapshot={snapshot} onChooseFiles={choose} />
    </>
  );
}
