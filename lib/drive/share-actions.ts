"use server";

import type { FormState } from "@/lib/forms";
import { formFields, userAction } from "@/lib/server/action";
import {
  createShareLink,
  listShareLinks,
  revokeShareLink,
  updateShareLink,
  type ShareFailure,
} from "./share-links";
import {
  createShareLinkSchema,
  shareLinkIdSchema,
  shareTargetSchema,
  updateShareLinkSchema,
} from "./share-schemas";
import type { ShareLinkView } from "./share-types";

type LinkState = FormState<string, { link: ShareLinkView }>;

const FILE_GONE = "This file is no longer in your drive.";
const FOLDER_GONE = "This folder is no longer in your drive.";
const LINK_GONE = "This link no longer exists.";

function failure(reason: ShareFailure["reason"], notFound: string): LinkState {
  if (reason === "past-expiry") {
    return { errors: { expiresAt: ["Choose a time in the future"] }, message: "Link not saved." };
  }
  if (reason === "revoked") return { message: "This link was revoked; create a new one instead." };
  return { message: notFound };
}

// A file id alone (the file dialog's original call) or { kind, id } for a file or a folder.
export const listShareLinksAction = userAction(
  {
    schema: shareTargetSchema,
    input: (target: string | { kind: "file" | "folder"; id: string }) =>
      typeof target === "string" ? { kind: "file" as const, id: target } : target,
    invalid: () => ({ ok: false, message: FILE_GONE }),
  },
  async (
    target,
    user,
  ): Promise<{ ok: true; links: ShareLinkView[] } | { ok: false; message: string }> => {
    const links = await listShareLinks(user.id, target);
    if (links) return { ok: true, links };
    return { ok: false, message: target.kind === "file" ? FILE_GONE : FOLDER_GONE };
  },
);

export const createShareLinkAction = userAction(
  { schema: createShareLinkSchema, input: formFields, invalid: "Link not created." },
  async (input, user): Promise<LinkState> => {
    const result = await createShareLink(user.id, input);
    if (!result.ok) return failure(result.reason, input.folderId ? FOLDER_GONE : FILE_GONE);
    return { ok: true, message: "Link created.", link: result.link };
  },
);

export const updateShareLinkAction = userAction(
  { schema: updateShareLinkSchema, input: formFields, invalid: "Link not saved." },
  async (input, user): Promise<LinkState> => {
    const result = await updateShareLink(user.id, input);
    if (!result.ok) return failure(result.reason, LINK_GONE);
    return { ok: true, message: "Link saved.", link: result.link };
  },
);

export const revokeShareLinkAction = userAction(
  {
    schema: shareLinkIdSchema,
    input: (linkId: string) => ({ linkId }),
    invalid: () => ({ ok: false, message: LINK_GONE }),
  },
  async ({ linkId }, user): Promise<FormState> => {
    const result = await revokeShareLink(user.id, linkId);
    if (!result.ok) return { message: LINK_GONE };
    return { ok: true, message: "Link revoked. It no longer opens the file." };
  },
);
