import { UserFacingError } from "@/lib/server/errors";

// Why an image could not be processed, in words for the person who picked it. The preview route
// maps `status` to its HTTP answer; the apply function ends the job with `message`.

export type ImageInputReason =
  | "unsupported" // not an image format we read (or a HEIC/HEVC file)
  | "corrupt" // looks like an image but does not decode
  | "svg" // refused on purpose: SVG can reference other files
  | "too-many-pixels" // over IMAGE_MAX_PIXELS
  | "too-many-bytes" // over IMAGE_MAX_BYTES
  | "result-too-large" // the chain would make an image over IMAGE_MAX_PIXELS
  | "watermark" // the image watermark is missing or unreadable
  | "too-slow"; // sharp's timeout ran out (a preview's, or a full-size apply's generous one)

export class ImageInputError extends UserFacingError {
  readonly reason: ImageInputReason;

  constructor(reason: ImageInputReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }

  /** 413 for sizes over a limit, 422 for content we cannot or will not process. */
  get status(): 413 | 422 {
    return this.reason === "too-many-bytes" ||
      this.reason === "too-many-pixels" ||
      this.reason === "result-too-large"
      ? 413
      : 422;
  }
}

export function isImageInputError(err: unknown): err is ImageInputError {
  return err instanceof ImageInputError;
}

/** sharp's own error when a pipeline's timeout() ran out: "timeout: 12% complete". */
export function isSharpTimeout(err: unknown): boolean {
  return err instanceof Error && /^timeout: \d+% complete/.test(err.message);
}

export function megapixels(pixels: number): string {
  const mp = pixels / 1_000_000;
  return `${mp >= 10 ? Math.round(mp) : Math.round(mp * 10) / 10} megapixels`;
}

export function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : Math.round(mib * 10) / 10} MB`;
}
