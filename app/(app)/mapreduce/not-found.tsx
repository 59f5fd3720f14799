import { SearchX } from "lucide-react";
import { NotFoundState } from "@/components/shell/not-found-state";

export default function JobNotFound() {
  return (
    <NotFoundState
      icon={SearchX}
      title="This job does not exist"
      href="/mapreduce"
      action="All jobs"
    >
      It may have been deleted, belong to another account, or the link is wrong.
    </NotFoundState>
  );
}
