"use client";

import { ImageOff } from "lucide-react";
import { useState } from "react";
import { cn } from "@/lib/utils";
import { CHECKER } from "./checker";

/** A small render of one of the user's images (the thumbnail route with no visible filter). */
export function ImageThumb({ fileId, className }: { fileId: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  return (
    <span
      className={cn(
        "flex w-full items-center justify-center overflow-hidden rounded-md",
        CHECKER,
        className,
      )}
    >
      {failed ? (
        <ImageOff className="size-5 text-muted-foreground" aria-label="No preview" />
      ) : (
        // eslint-disable-next-line @next/next/no-img-element -- a server render, not a static asset
        <img
          src={`/api/images/thumbnails?${new URLSearchParams({ fileId, kind: "autoOrient" })}`}
          alt=""
          loading="lazy"
          className="size-full object-cover"
          onError={() => setFailed(true)}
        />
      )}
    </span>
  );
}
