import "server-only";
import { headers } from "next/headers";
import { serverEnv } from "@/lib/env";
import { clientIp } from "./client-ip";

/** The client address of the request being served (see client-ip.ts for whom it trusts). */
export async function requestClientIp(): Promise<string> {
  return clientIp(await headers(), serverEnv().TRUSTED_PROXY_HOPS);
}
