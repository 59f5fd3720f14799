import { ShareRefused } from "@/components/drive/share-refused";

// A link that does not exist, was revoked, has expired or used up its downloads: HTTP 404.
export default function ShareNotFound() {
  return <ShareRefused />;
}
