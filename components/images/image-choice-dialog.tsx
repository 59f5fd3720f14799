"use client";

import { ImageOff, Search } from "lucide-react";
import { useEffect, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { listImagesAction } from "@/lib/images/actions";
import type { LibraryImage, LibraryPage } from "@/lib/images/library";
import { ImageThumb } from "./image-thumb";

/** Picks one of the user's Drive images (for the image watermark). */
export function ImageChoiceDialog({
  open,
  onOpenChange,
  onChoose,
  title = "Choose an image",
  description = "Pick an image from your Drive.",
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onChoose: (image: LibraryImage) => void;
  title?: string;
  description?: string;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[90dvh] max-w-2xl grid-rows-[auto_auto_1fr] overflow-hidden">
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
        {open && <Chooser onChoose={onChoose} />}
      </DialogContent>
    </Dialog>
  );
}

function Chooser({ onChoose }: { onChoose: (image: LibraryImage) => void }) {
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<LibraryPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, startLoading] = useTransition();

  useEffect(() => {
    const timer = setTimeout(() => {
      startLoading(async () => {
        const res = await listImagesAction({ q, page });
        if (res.ok) {
          setResult(res.page);
          setError(null);
        } else {
          setError(res.message);
        }
      });
    }, 200);
    return () => clearTimeout(timer);
  }, [q, page]);

  return (
    <div className="grid min-h-0 grid-rows-[auto_1fr_auto] gap-3">
      <div className="relative">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden
        />
        <Input
          type="search"
          placeholder="Search your images"
          aria-label="Search your images"
          className="pl-9"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
        />
      </div>
      <div className="min-h-40 overflow-y-auto" aria-busy={loading}>
        {error && <Alert>{error}</Alert>}
        {!result && !error && (
          <p className="py-10 text-center text-sm text-muted-foreground">Loading your images…</p>
        )}
        {result && result.images.length === 0 && (
          <div className="flex flex-col items-center gap-2 py-10 text-center">
            <ImageOff className="size-8 text-muted-foreground" aria-hidden />
            <p className="text-sm">
              {result.q ? `No image matches “${result.q}”.` : "Your Drive has no images yet."}
            </p>
          </div>
        )}
        {result && result.images.length > 0 && (
          <ul className="grid grid-cols-3 gap-2 sm:grid-cols-4">
            {result.images.map((image) => (
              <li key={image.id}>
                <button
                  type="button"
                  className="grid w-full gap-1 rounded-md p-1 text-left hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  onClick={() => onChoose(image)}
                >
                  <ImageThumb fileId={image.id} className="aspect-square" />
                  <span className="truncate text-xs" title={image.name}>
                    {image.name}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {result && result.pageCount > 1 && (
        <div className="flex items-center justify-between gap-2 text-sm">
          <Button
            size="sm"
            variant="outline"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
          >
            Previous
          </Button>
          <span className="text-muted-foreground">
            Page {result.page} of {result.pageCount}
          </span>
          <Button
            size="sm"
            variant="outline"
            disabled={page >= result.pageCount}
            onClick={() => setPage(page + 1)}
          >
            Next
          </Button>
        </div>
      )}
    </div>
  );
}
