import { SearchX } from "lucide-react";
import { NotFoundState } from "@/components/shell/not-found-state";

export default function BatchNotFound() {
  return (
    <NotFoundState
      icon={SearchX}
      title="This batch does not exist"
      href="/drive"
      action="Go to My Drive"
    >
      It may belong to another account, or the link is wrong.
    </NotFoundState>
  );
}
