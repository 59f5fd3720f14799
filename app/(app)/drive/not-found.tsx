import { FolderX } from "lucide-react";
import { NotFoundState } from "@/components/shell/not-found-state";

export default function FolderNotFound() {
  return (
    <NotFoundState
      icon={FolderX}
      title="This folder does not exist"
      href="/drive"
      action="Go to My Drive"
    >
      It may have been moved to the trash or deleted, or the link is wrong.
    </NotFoundState>
  );
}
