"use client";

import { SectionError } from "@/components/shell/section-error";

export default function MapReduceError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <SectionError
      {...props}
      title="Your jobs could not be loaded"
      back={{ href: "/mapreduce", label: "All jobs" }}
    >
      Running jobs go on in the background; the server may be busy. Try again in a moment.
    </SectionError>
  );
}
