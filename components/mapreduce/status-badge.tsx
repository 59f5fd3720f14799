// The badge moved to components/shared (the home page and Image Studio show job states too).
export { StatusBadge } from "@/components/shared/job-status-badge";
