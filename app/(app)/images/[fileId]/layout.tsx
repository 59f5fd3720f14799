import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { fileIdSchema } from "@/lib/images/action-schemas";
import { getImage } from "@/lib/images/library";

// The image is looked up here, above this segment's loading boundary, so a missing one answers
// 404: once the loading skeleton has streamed, the status is 200 for good.
export default async function ImageLayout({ children, params }: LayoutProps<"/images/[fileId]">) {
  const { fileId } = await params;
  const user = await requireUser(`/images/${encodeURIComponent(fileId)}`);
  const id = fileIdSchema.safeParse(fileId);
  if (!id.success || !(await getImage(user.id, id.data))) notFound();
  return children;
}
