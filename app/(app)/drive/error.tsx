"use client";

import { SectionError } from "@/components/shell/section-error";

export default function DriveError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <SectionError
      {...props}
      title="Your drive could not be loaded"
      back={{ href: "/drive", label: "My Drive" }}
    >
      Your files are safe; the storage service may be busy. Try again in a moment.
    </SectionError>
  );
}
