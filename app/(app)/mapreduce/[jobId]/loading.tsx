import { PageSkeleton } from "@/components/shell/page-skeleton";

export default function JobLoading() {
  return <PageSkeleton label="Loading the job…" />;
}
