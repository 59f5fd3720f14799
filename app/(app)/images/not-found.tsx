import { ImageOff } from "lucide-react";
import { NotFoundState } from "@/components/shell/not-found-state";

export default function ImageNotFound() {
  return (
    <NotFoundState
      icon={ImageOff}
      title="This image is not available"
      href="/images"
      action="Choose another image"
    >
      It may have been moved to the trash or deleted, it is not an image, or the link is wrong.
    </NotFoundState>
  );
}
