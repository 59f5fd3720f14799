import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ImageEditor } from "@/components/images/image-editor";
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

  // The layout answered 404 already; this is a file trashed in between.
  if (!image) notFound();
  const initialJob = job && job.kind === IMAGE_APPLY_KIND ? toJobView(job) : undefined;
  return <ImageEditor key={image.id} image={image} presets={presets} initialJob={initialJob} />;
}
