import "server-only";
import type { Readable } from "node:stream";
import sharp, { type Metadata } from "sharp";
import type { ImageLimits } from "./config";
import { ImageInputError, mebibytes, megapixels } from "./errors";

// Everything that decides whether an input is an image we will decode, before libvips sees more
// than its header. The magic-byte check keeps libvips' rarer loaders (and SVG's librsvg) away from
// user files: only the formats listed here reach a decoder.

const FORMATS = new Set(["jpeg", "png", "webp", "gif", "tiff", "heif"]);

type Sniffed = "jpeg" | "png" | "webp" | "gif" | "tiff" | "heif" | "svg" | null;

export function sniff(buf: Buffer): Sniffed {
  const at = (i: number, s: string) => buf.subarray(i, i + s.length).toString("latin1") === s;
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return "jpeg";
  if (at(0, "\x89PNG\r\n\x1a\n")) return "png";
  if (at(0, "RIFF") && at(8, "WEBP")) return "webp";
  if (at(0, "GIF87a") || at(0, "GIF89a")) return "gif";
  if (at(0, "II*\0") || at(0, "MM\0*")) return "tiff";
  if (at(4, "ftyp")) return "heif"; // AVIF and HEIC; libheif says which it can decode
  // SVG is text: an XML prolog, a doctype, a comment or the <svg> tag itself, maybe after a BOM
  // and blank lines. Anything starting with "<" is treated as SVG-like and refused.
  const head = buf
    .subarray(0, 512)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (head.startsWith("<")) return "svg";
  if (buf[0] === 0x1f && buf[1] === 0x8b) return "svg"; // gzip: most likely SVGZ
  return null;
}

export const SVG_REFUSED =
  "SVG images are not supported: an SVG can load other files when it is drawn. Export it as PNG and try again.";

/** Reads a stream into memory, refusing it as soon as it passes the byte limit. */
export async function readAll(
  stream: Readable,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      signal?.throwIfAborted();
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += b.length;
      if (size > maxBytes) throw tooManyBytes(size, maxBytes, true);
      chunks.push(b);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

function tooManyBytes(size: number, maxBytes: number, partial = false): ImageInputError {
  return new ImageInputError(
    "too-many-bytes",
    `This file is ${partial ? "over " : ""}${mebibytes(size)}; images up to ${mebibytes(maxBytes)} can be processed.`,
  );
}

export function tooManyPixels(width: number, height: number, maxPixels: number): ImageInputError {
  return new ImageInputError(
    "too-many-pixels",
    `This image is ${width} × ${height} pixels (${megapixels(width * height)}); images up to ${megapixels(maxPixels)} can be processed.`,
  );
}

/** Turns a libvips decoding failure into the user's words; anything else is passed through. */
export function decodeError(err: unknown): unknown {
  if (err instanceof ImageInputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(message)) {
    return new ImageInputError(
      "too-many-pixels",
      "This image has more pixels than can be processed.",
      { cause: err },
    );
  }
  if (/unsupported image format|compression format|not built|no such/i.test(message)) {
    return new ImageInputError(
      "unsupported",
      "This file is not an image format Image Studio can read (JPEG, PNG, WebP, GIF, TIFF or AVIF).",
      { cause: err },
    );
  }
  if (
    /corrupt|premature|truncated|invalid|load|vips|jpeg|png|webp|gif|tiff|heif|read/i.test(message)
  ) {
    return new ImageInputError(
      "corrupt",
      "This image is damaged or incomplete and cannot be read.",
      { cause: err },
    );
  }
  return err;
}

/**
 * The header of an input image, after the byte, format and pixel checks. Reads no pixel data:
 * a 100-megapixel bomb is refused from its header.
 */
export async function inspect(buf: Buffer, limits: ImageLimits): Promise<Metadata> {
  if (buf.length > limits.maxBytes) throw tooManyBytes(buf.length, limits.maxBytes);
  const kind = sniff(buf);
  if (kind === "svg") throw new ImageInputError("svg", SVG_REFUSED);
  if (kind === null) {
    throw new ImageInputError(
      "unsupported",
      "This file is not an image format Image Studio can read (JPEG, PNG, WebP, GIF, TIFF or AVIF).",
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw decodeError(err);
  }
  if (!FORMATS.has(meta.format) || meta.format !== kind) {
    throw new ImageInputError(
      "unsupported",
      "This file is not an image format Image Studio can read (JPEG, PNG, WebP, GIF, TIFF or AVIF).",
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) {
    throw new ImageInputError("corrupt", "This image is damaged or incomplete and cannot be read.");
  }
  if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
  return meta;
}
