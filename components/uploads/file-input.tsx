"use client";

import { useEffect, useEffectEvent, useRef, type Ref } from "react";

type Props = {
  ref: Ref<HTMLInputElement>;
  onFiles: (files: File[]) => void;
  accept?: string;
  multiple?: boolean;
  "data-testid"?: string;
};

/**
 * The hidden file input behind an "Upload" button. It hands the chosen files to `onFiles` and
 * clears itself, so that choosing the same file again (to resume it) fires another change.
 *
 * Files set on the input before React attached its change handler are picked up when it
 * hydrates: the browser keeps the selection but the change event already went by, unheard. A
 * page served slowly (the suite on a loaded machine, or a slow phone) would otherwise show a
 * chosen file that never uploads.
 */
export function FileInput({ ref, onFiles, accept, multiple, ...rest }: Props) {
  const own = useRef<HTMLInputElement | null>(null);

  const take = (input: HTMLInputElement) => {
    const files = Array.from(input.files ?? []);
    input.value = "";
    if (files.length > 0) onFiles(files);
  };
  const takeEarly = useEffectEvent(() => {
    if (own.current?.files?.length) take(own.current);
  });
  useEffect(() => takeEarly(), []);

  return (
    <input
      ref={(node) => {
        own.current = node;
        if (typeof ref === "function") ref(node);
        else if (ref) ref.current = node;
      }}
      type="file"
      hidden
      accept={accept}
      multiple={multiple}
      data-testid={rest["data-testid"]}
      onChange={(e) => take(e.currentTarget)}
    />
  );
}
