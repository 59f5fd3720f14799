import { SearchX } from "lucide-react";
import { NotFoundState } from "@/components/shell/not-found-state";

export default function TrackerNotFound() {
  return (
    <NotFoundState
      icon={SearchX}
      title="This tracker does not exist"
      href="/pulse"
      action="All trackers"
    >
      It may have been deleted, belong to another account, or the link is wrong.
    </NotFoundState>
  );
}
