"use server";

import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";
import {
  createShareLink,
  listShareLinks,
  revokeShareLink,
  updateShareLink,
  type ShareFailure,
} from "./share-links";
import {
  createShareLinkSchema,
  shareFileIdSchema,
  shareLinkIdSchema,
  updateShareLinkSchema,
} from "./share-schemas";
import type { ShareLinkView } from "./share-types";

export type ShareFormState = FormState & { link?: ShareLinkView };

const FILE_GONE = "This file is no longer in your drive.";

function failure(reason: ShareFailure["reason"], notFound: string): ShareFormState {
  if (reason === "past-expiry") {
    return { errors: { expiresAt: ["Choose a time in the future"] }, message: "Link not saved." };
  }
  if (reason === "revoked") return { message: "This link was revoked; create a new one instead." };
  return { message: notFound };
}

export async function listShareLinksAction(
  fileId: string,
): Promise<{ ok: true; links: ShareLinkView[] } | { ok: false; message: string }> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = shareFileIdSchema.safeParse({ fileId });
  if (!parsed.success) return { ok: false, message: FILE_GONE };
  const links = await listShareLinks(user.id, parsed.data.fileId);
  return links ? { ok: true, links } : { ok: false, message: FILE_GONE };
}

export async function createShareLinkAction(
  _prev: ShareFormState,
  formData: FormData,
): Promise<ShareFormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = createShareLinkSchema.safeParse(formDataObject(formData));
  if (!parsed.success) {
    return { errors: fieldErrors(parsed.error), message: "Link not created." };
  }
  const result = await createShareLink(user.id, parsed.data);
  if (!result.ok) return failure(result.reason, FILE_GONE);
  return { ok: true, message: "Link created.", link: result.link };
}

export async function updateShareLinkAction(
  _prev: ShareFormState,
  formData: FormData,
): Promise<ShareFormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = updateShareLinkSchema.safeParse(formDataObject(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: "Link not saved." };
  const result = await updateShareLink(user.id, parsed.data);
  if (!result.ok) return failure(result.reason, "This link no longer exists.");
  return { ok: true, message: "Link saved.", link: result.link };
}

export async function revokeShareLinkAction(linkId: string): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = shareLinkIdSchema.safeParse({ linkId });
  if (!parsed.success) return { message: "This link no longer exists." };
  const result = await revokeShareLink(user.id, parsed.data.linkId);
  if (!result.ok) return { message: "This link no longer exists." };
  return { ok: true, message: "Link revoked. It no longer opens the file." };
}
