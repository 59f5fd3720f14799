"use client";

import type { ComponentProps } from "react";
import { FileBrowser } from "@/components/drive/file-browser";
import { ApplyPresetDialog } from "@/components/images/apply-preset-dialog";

// Where the Drive meets Image Studio: the page composes the two apps, so neither app's components
// import the other's.
export function DriveBrowser(props: Omit<ComponentProps<typeof FileBrowser>, "PresetDialog">) {
  return <FileBrowser {...props} PresetDialog={ApplyPresetDialog} />;
}
