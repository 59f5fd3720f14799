import { ImageOff } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { ImageEditor } from "@/components/images/image-editor";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { firstParam } from "@/lib/drive/schemas";
import { fileIdSchema } from "@/lib/images/action-schemas";
import { IMAGE_APPLY_KIND } from "@/lib/images/job-schemas";
import { getImage } from "@/lib/images/library";
import { listPresets } from "@/lib/images/presets";
import { getJob } from "@/lib/jobs/jobs";
import { toJobView } from "@/lib/jobs/view";

export const metadata: Metadata = { title: "Edit image" };

export default async function EditImagePage({
  params,
  searchParams,
}: PageProps<"/images/[fileId]">) {
  const { fileId } = await params;
  const user = await requireUser(`/images/${encodeURIComponent(fileId)}`);
  const id = fileIdSchema.safeParse(fileId);
  const { job: jobId } = firstParam(await searchParams);
  const [image, presets, job] = await Promise.all([
    id.success ? getImage(user.id, id.data) : null,
    listPresets(user.id),
    jobId ? getJob(user.id, jobId) : null,
  ]);

  if (!image) {
    return (
      <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
        <ImageOff className="size-10 text-muted-foreground" aria-hidden />
        <h1 className="text-lg font-semibold">This image is not available</h1>
        <p className="max-w-sm text-sm text-muted-foreground">
          It may have been moved to the trash or deleted, it is not an image, or the link is wrong.
        </p>
        <Button asChild variant="outline">
          <Link href="/images">Choose another image</Link>
        </Button>
      </div>
    );
  }
  const initialJob = job && job.kind === IMAGE_APPLY_KIND ? toJobView(job) : undefined;
  return <ImageEditor key={image.id} image={image} presets={presets} initialJob={initialJob} />;
}
