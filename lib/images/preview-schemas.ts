import { z } from "zod";
import { STEP_KINDS } from "./catalog";
import { Chain, type StepKind } from "./chain";

// What the preview and thumbnail routes accept. No server imports: the editor builds its requests
// with the same shapes.

const fileId = z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Unknown file");

export const PreviewRequest = z.object({ fileId, chain: Chain });
export type PreviewRequest = z.infer<typeof PreviewRequest>;

export const ThumbnailRequest = z.object({
  fileId,
  kind: z.enum(STEP_KINDS as [StepKind, ...StepKind[]], "Unknown filter"),
});
export type ThumbnailRequest = z.infer<typeof ThumbnailRequest>;

/** The first problem of a failed parse, with where it is ("chain.2.sigma: …"), for a 400. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request";
  const where = issue.path.join(".");
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Response headers the editor may read besides the image itself. */
export const PREVIEW_HEADERS = {
  /** The preview's own size in pixels. */
  width: "x-image-width",
  height: "x-image-height",
  /** The downscaled copy's size over the original's: the full-size result is about preview ÷ scale. */
  scale: "x-preview-scale",
  /** "hit" when the rendered preview came from the cache. */
  cache: "x-preview-cache",
} as const;
