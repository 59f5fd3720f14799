import { z } from "zod";
import { itemNameSchema } from "./name-rules";

// Request and response shapes of /api/drive/uploads/*. No server imports: the browser's upload
// engine parses the server's answers with the same schemas.

// The most a single request may ask to be signed: a batch larger than this would hand out URLs
// that expire before the browser gets to them.
export const MAX_PART_URLS_PER_REQUEST = 100;

// Same grammar the presigner accepts (no parameters such as "; charset=…": S3 echoes the type back
// on HEAD and the check on completion compares it byte for byte).
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** What a browser's File.type becomes: anything the store would not accept falls back. */
export function uploadContentType(browserType: string): string {
  const type = browserType.trim().toLowerCase();
  return MIME.test(type) ? type : FALLBACK_CONTENT_TYPE;
}

export const idSchema = z.string().regex(/^[a-z0-9]{20,30}$/i, "Not a valid id");

export const startUploadSchema = z.object({
  name: itemNameSchema,
  size: z
    .number({ error: "Give the file's size in bytes" })
    .int("Give the file's size in bytes")
    .min(0, "Give the file's size in bytes")
    .max(Number.MAX_SAFE_INTEGER),
  contentType: z
    .string()
    .trim()
    .toLowerCase()
    .regex(MIME, "Not a valid content type")
    .default(FALLBACK_CONTENT_TYPE),
  folderId: idSchema.nullable().default(null),
});
export type StartUploadInput = z.input<typeof startUploadSchema>;

export const partNumbersSchema = z.object({
  partNumbers: z
    .array(z.number().int().min(1).max(10_000))
    .min(1, "Ask for at least one part")
    .max(MAX_PART_URLS_PER_REQUEST, `Ask for at most ${MAX_PART_URLS_PER_REQUEST} parts at a time`)
    .refine((a) => new Set(a).size === a.length, "Each part number once"),
});

export const completedPartSchema = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  etag: z.string().min(1).max(200),
});

export const completeUploadSchema = z.object({
  parts: z.array(completedPartSchema).max(10_000).optional(),
});

const isoDate = z.iso.datetime();

export const singleStartSchema = z.object({
  uploadId: z.string(),
  mode: z.literal("single"),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: isoDate,
});

export const multipartStartSchema = z.object({
  uploadId: z.string(),
  mode: z.literal("multipart"),
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  expiresAt: isoDate,
});

export const startResponseSchema = z.discriminatedUnion("mode", [
  singleStartSchema,
  multipartStartSchema,
]);
export type StartUploadResponse = z.infer<typeof startResponseSchema>;

export const partUrlsResponseSchema = z.object({
  urls: z.array(z.object({ partNumber: z.number().int(), url: z.string() })),
  expiresAt: isoDate,
});
export type PartUrlsResponse = z.infer<typeof partUrlsResponseSchema>;

const statusBase = {
  uploadId: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  folderId: z.string().nullable(),
  expiresAt: isoDate,
};

// For a single PUT, "resume" means sending the whole file again, so status hands out a fresh URL.
export const uploadStatusSchema = z.discriminatedUnion("mode", [
  z.object({
    ...statusBase,
    mode: z.literal("single"),
    uploaded: z.boolean(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    urlExpiresAt: isoDate,
  }),
  z.object({
    ...statusBase,
    mode: z.literal("multipart"),
    partSize: z.number().int().positive(),
    partCount: z.number().int().positive(),
    uploadedParts: z.array(
      z.object({
        partNumber: z.number().int(),
        etag: z.string(),
        size: z.number().int(),
      }),
    ),
  }),
]);
export type UploadStatus = z.infer<typeof uploadStatusSchema>;

export const driveFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number(),
  contentType: z.string(),
  folderId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  trashedAt: z.string().nullable(),
});

export const completeResponseSchema = z.object({ file: driveFileSchema });

export const apiErrorSchema = z.object({
  message: z.string(),
  errors: z.record(z.string(), z.array(z.string())).optional(),
});
