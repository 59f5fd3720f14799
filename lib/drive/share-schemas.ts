import { z } from "zod";

// Inputs of the share-link forms and routes. No server imports: the share dialog shares the limits.

export const SHARE_PASSWORD_MIN = 6;
// argon2 hashes any length, but a megabyte "password" would be a cheap way to burn our CPU.
export const SHARE_PASSWORD_MAX = 256;
export const SHARE_MAX_DOWNLOADS = 10_000;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Unknown item");

// 32 random bytes in base64url are 43 characters; anything else cannot be a token.
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "Unknown link");

const blankToNull = (v: unknown) => (v === "" || v === undefined || v === null ? null : v);

// The dialog converts the visitor's local date-time to an ISO instant with its offset, so the
// server never guesses a time zone.
const expiresAt = z.preprocess(
  blankToNull,
  z.iso
    .datetime({ offset: true, error: "Enter a valid date and time" })
    .transform((s) => new Date(s))
    .nullable(),
);

const maxDownloads = z.preprocess(
  blankToNull,
  z.coerce
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "Allow at least 1 download")
    .max(SHARE_MAX_DOWNLOADS, `Allow at most ${SHARE_MAX_DOWNLOADS.toLocaleString("en")} downloads`)
    .nullable(),
);

const password = z
  .string()
  .min(SHARE_PASSWORD_MIN, `Use at least ${SHARE_PASSWORD_MIN} characters`)
  .max(SHARE_PASSWORD_MAX, `Use at most ${SHARE_PASSWORD_MAX} characters`);

export function isFuture(date: Date | null, now = new Date()): boolean {
  return date === null || date.getTime() > now.getTime();
}

// A link opens one file or, read-only, one folder: exactly one of fileId and folderId.
export const createShareLinkSchema = z
  .object({
    fileId: z.preprocess(blankToNull, id.nullable()).default(null),
    folderId: z.preprocess(blankToNull, id.nullable()).default(null),
    expiresAt: expiresAt.refine((d) => isFuture(d), "Choose a time in the future"),
    password: z.preprocess(blankToNull, password.nullable()),
    maxDownloads,
  })
  .refine((v) => (v.fileId === null) !== (v.folderId === null), {
    message: "Unknown item",
    path: ["fileId"],
  });
export type CreateShareLinkInput = z.infer<typeof createShareLinkSchema>;

// "keep" leaves the password as it is without the owner retyping it; "remove" drops it.
export const updateShareLinkSchema = z
  .object({
    linkId: id,
    // The past is allowed here only when unchanged; the data layer compares with the stored value.
    expiresAt,
    maxDownloads,
    passwordMode: z.enum(["keep", "set", "remove"]).default("keep"),
    password: z.preprocess(blankToNull, z.string().nullable()),
  })
  .transform(({ passwordMode, password: pw, ...rest }, ctx) => {
    if (passwordMode !== "set") return { ...rest, password: passwordMode };
    const parsed = password.safeParse(pw ?? "");
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: "custom", message: issue.message, path: ["password"] });
      }
      return z.NEVER;
    }
    return { ...rest, password: { set: parsed.data } };
  });
export type UpdateShareLinkInput = z.infer<typeof updateShareLinkSchema>;

export const shareLinkIdSchema = z.object({ linkId: id });
export const shareFileIdSchema = z.object({ fileId: id });
export const shareTargetSchema = z.object({ kind: z.enum(["file", "folder"]), id });
/** A folder link's page: which folder inside the shared one to show (absent: the shared one). */
export const shareAtSchema = id.nullable().catch(null);

export const unlockShareSchema = z.object({
  token: shareTokenSchema,
  password: z
    .string()
    .min(1, "Enter the password")
    .max(SHARE_PASSWORD_MAX, "That password is not right"),
});
