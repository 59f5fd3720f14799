import { ImagePlus, SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { ImageJobsList } from "@/components/images/image-jobs-list";
import { ImageThumb } from "@/components/images/image-thumb";
import { StudioUpload } from "@/components/images/studio-upload";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { requireUser } from "@/lib/auth/session";
import { firstParam } from "@/lib/drive/schemas";
import { formatBytes } from "@/lib/format/numbers";
import { librarySearchSchema } from "@/lib/images/action-schemas";
import { listImageJobs } from "@/lib/images/history";
import { listImages } from "@/lib/images/library";

export const metadata: Metadata = { title: "Images" };

function pageHref(q: string | undefined, page: number): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/images?${query}` : "/images";
}

export default async function ImagesPage({ searchParams }: PageProps<"/images">) {
  const user = await requireUser("/images");
  const params = librarySearchSchema.parse(firstParam(await searchParams));
  const [library, jobs] = await Promise.all([listImages(user.id, params), listImageJobs(user.id)]);

  return (
    <div className="grid gap-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Image Studio</h1>
          <p className="text-sm text-muted-foreground">
            Pick an image from your Drive or upload one, then build a chain of filters.
          </p>
        </div>
        <div className="flex items-center gap-2">
          <StudioUpload />
        </div>
      </div>

      <form role="search" action="/images" className="w-full sm:max-w-xs">
        <label htmlFor="image-search" className="sr-only">
          Search your images
        </label>
        <Input
          id="image-search"
          name="q"
          type="search"
          placeholder="Search your images"
          defaultValue={library.q ?? ""}
          maxLength={255}
          autoComplete="off"
        />
      </form>

      {library.images.length === 0 ? (
        <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
          {library.q ? (
            <>
              <SearchX className="size-10 text-muted-foreground" aria-hidden />
              <h2 className="font-medium">No image matches “{library.q}”</h2>
              <Button asChild variant="outline">
                <Link href="/images">Show all images</Link>
              </Button>
            </>
          ) : (
            <>
              <ImagePlus className="size-10 text-muted-foreground" aria-hidden />
              <h2 className="font-medium">No images in your Drive yet</h2>
              <p className="max-w-sm text-sm text-muted-foreground">
                Upload a JPEG, PNG, WebP, AVIF, GIF or TIFF to start editing. It is saved in My
                Drive.
              </p>
            </>
          )}
        </div>
      ) : (
        <>
          <p className="text-sm text-muted-foreground">
            {library.total === 1 ? "1 image" : `${library.total.toLocaleString("en")} images`}
            {library.q ? ` matching “${library.q}”` : " in your Drive"}, newest first
          </p>
          <ul
            className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 xl:grid-cols-5"
            data-testid="image-grid"
          >
            {library.images.map((image) => (
              <li key={image.id}>
                <Link
                  href={`/images/${image.id}`}
                  className="group grid gap-1.5 rounded-lg border bg-card p-2 hover:border-primary focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <ImageThumb fileId={image.id} className="aspect-[4/3]" />
                  <span className="truncate text-sm font-medium" title={image.name}>
                    {image.name}
                  </span>
                  <span className="truncate text-xs text-muted-foreground" title={image.location}>
                    {formatBytes(image.size)} · {image.location}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {library.pageCount > 1 && (
            <nav aria-label="Pages" className="flex items-center justify-between gap-2">
              <Button
                asChild={library.page > 1}
                size="sm"
                variant="outline"
                disabled={library.page <= 1}
              >
                {library.page > 1 ? (
                  <Link href={pageHref(library.q, library.page - 1)}>Previous</Link>
                ) : (
                  <span>Previous</span>
                )}
              </Button>
              <span className="text-sm tabular-nums">
                Page {library.page} of {library.pageCount}
              </span>
              <Button
                asChild={library.page < library.pageCount}
                size="sm"
                variant="outline"
                disabled={library.page >= library.pageCount}
              >
                {library.page < library.pageCount ? (
                  <Link href={pageHref(library.q, library.page + 1)}>Next</Link>
                ) : (
                  <span>Next</span>
                )}
              </Button>
            </nav>
          )}
        </>
      )}
      <ImageJobsList jobs={jobs} />
    </div>
  );
}
