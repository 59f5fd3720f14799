"use client";

import { SectionError } from "@/components/shell/section-error";

export default function PulseError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <SectionError
      {...props}
      title="Pulse could not be loaded"
      back={{ href: "/pulse", label: "All trackers" }}
    >
      Your trackers keep collecting in the background; the server may be busy. Try again in a
      moment.
    </SectionError>
  );
}
