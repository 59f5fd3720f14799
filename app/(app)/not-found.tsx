import { SearchX } from "lucide-react";
import { NotFoundState } from "@/components/shell/not-found-state";

// Inside the signed-in shell: a missing page keeps the navigation around it.
export default function AppNotFound() {
  return (
    <NotFoundState icon={SearchX} title="Page not found" href="/home" action="Go to Home">
      There is nothing at this address.
    </NotFoundState>
  );
}
