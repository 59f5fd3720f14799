import { clientIp } from "@/lib/auth/client-ip";
import { serverEnv } from "@/lib/env";
import { DOWNLOAD_FAILED } from "@/lib/drive/downloads";
import { sharedFileResponse } from "@/lib/drive/share-download";
import { consumeShareDownload, type ShareDownloadResult } from "@/lib/drive/share-links";
import { shareRefusal } from "@/lib/drive/share-messages";
import { SHARE_PASSWORD_MAX, shareTokenSchema } from "@/lib/drive/share-schemas";
import { NO_STORE, publicRoute, redirectTo } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// POST, not GET: link previewers, mail scanners and prefetchers follow GET links, and each of
// their visits would use up one of a limited link's downloads. The password, when the link has
// one, comes either from the public page's unlock cookie or as a `password` form field (for
// scripts); every refusal from a browser form goes back to the page, which explains it.

type Failure = Extract<ShareDownloadResult, { ok: false }>;

function readCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

async function formFields(
  request: Request,
): Promise<{ password: string | undefined; fileId: string | undefined }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    return { password: undefined, fileId: undefined };
  }
  const form = await request.formData().catch(() => null);
  const value = form?.get("password");
  // A folder link's page names the file inside the folder; anything malformed matches nothing.
  const fileId = form?.get("fileId");
  return {
    // Longer than any password we accept: wrong, without spending argon2 time on it.
    password:
      typeof value === "string" && value !== ""
        ? value.slice(0, SHARE_PASSWORD_MAX + 1)
        : undefined,
    fileId: typeof fileId === "string" && /^[A-Za-z0-9_-]{1,30}$/.test(fileId) ? fileId : undefined,
  };
}

function refusal(result: Failure): Response {
  const headers = new Headers({ "cache-control": NO_STORE });
  switch (result.reason) {
    case "password-required":
      return Response.json({ message: "This link needs a password." }, { status: 401, headers });
    case "wrong-password":
      return Response.json({ message: "That password is not right." }, { status: 403, headers });
    case "throttled": {
      const seconds = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 1000));
      headers.set("retry-after", String(seconds));
      return Response.json(
        { message: "Too many wrong passwords. Try again later." },
        { status: 429, headers },
      );
    }
    case "not-found":
      return Response.json({ message: shareRefusal("not-found") }, { status: 404, headers });
    default:
      return Response.json({ message: shareRefusal(result.reason) }, { status: 410, headers });
  }
}

// Public on purpose (the token and the password are the credentials), and the one route that takes
// a form body: the public page's own form posts here. Cross-site posts are still refused.
export const POST = publicRoute<{ token: string }>(
  async ({ request, params }) => {
    const parsed = shareTokenSchema.safeParse(params.token);
    if (!parsed.success) return refusal({ ok: false, reason: "not-found" });
    const fromPage = request.headers.get("sec-fetch-mode") === "navigate";
    const cookies = readCookies(request.headers.get("cookie"));
    const fields = await formFields(request);
    const result = await consumeShareDownload(parsed.data, {
      cookie: (name) => cookies.get(name),
      password: fields.password,
      fileId: fields.fileId,
      ip: clientIp(request.headers, serverEnv().TRUSTED_PROXY_HOPS),
    });
    if (result.ok) return sharedFileResponse(result.file, request.signal);
    if (fromPage) return redirectTo(`/s/${parsed.data}`, 303);
    return refusal(result);
  },
  { body: "form", failure: DOWNLOAD_FAILED },
);
