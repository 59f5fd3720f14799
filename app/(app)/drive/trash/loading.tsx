import { DriveSkeleton } from "../_components/drive-skeleton";

export default function TrashLoading() {
  return <DriveSkeleton />;
}
