// What the job lists outside a feature (the home page, Image Studio's history) call a job and
// where they link it: the feature's own page for it. Kinds are the feature's; none is read here
// from their tables.
export type JobLinkInput = { id: string; kind: string; status: string; resultRef: string | null };

export function jobLabel(kind: string): string {
  switch (kind) {
    case "image.apply":
      return "Image Studio apply";
    case "image.batch":
      return "Image Studio batch";
    case "mapreduce":
      return "MapReduce job";
    case "drive.empty-trash":
      return "Emptying the trash";
    default:
      return "Background job";
  }
}

export function jobHref(job: JobLinkInput): string {
  const id = encodeURIComponent(job.id);
  switch (job.kind) {
    case "image.apply":
      // The result is a new image; before it exists the Studio is the place to look.
      return job.status === "succeeded" && job.resultRef
        ? `/images/${encodeURIComponent(job.resultRef)}`
        : "/images";
    case "image.batch":
      return `/images/batches/${id}`;
    case "mapreduce":
      return `/mapreduce/${id}`;
    case "drive.empty-trash":
      return "/drive/trash";
    default:
      return "/home";
  }
}
