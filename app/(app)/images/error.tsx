"use client";

import { SectionError } from "@/components/shell/section-error";

export default function ImagesError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <SectionError
      {...props}
      title="Image Studio could not be loaded"
      back={{ href: "/images", label: "Image Studio" }}
    >
      Your images are safe; the server may be busy. Try again in a moment.
    </SectionError>
  );
}
