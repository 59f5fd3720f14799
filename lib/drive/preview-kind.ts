// What Drive does with a file's bytes in the browser, decided by its stored content type (which
// the uploader chose, so it is never trusted to be harmless). Shared by the preview dialog and the
// download route, so it holds no server-only imports.
//
// The policy: only types a browser renders without running anything of the file's own are ever
// served inline (raster images, PDF — whose scripts Chromium and Firefox sandbox — audio, video).
// Markup (HTML, SVG, XML, XHTML) and scripts are shown as escaped source text by the text preview
// and always download as attachments: presigned URLs live on the store's origin today, but an
// operator may put the store behind the app's own domain (S3_PUBLIC_ENDPOINT=https://app/s3), and
// an inline HTML or SVG there would run with the app's cookies.

export type PreviewKind = "image" | "pdf" | "video" | "audio" | "text" | "none";

const INLINE_IMAGES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/x-icon",
  "image/vnd.microsoft.icon",
]);
const INLINE_VIDEO = new Set(["video/mp4", "video/webm", "video/ogg"]);
const INLINE_AUDIO = new Set([
  "audio/mpeg",
  "audio/ogg",
  "audio/wav",
  "audio/x-wav",
  "audio/webm",
  "audio/mp4",
  "audio/aac",
  "audio/flac",
]);
const TEXT_APPLICATION = new Set([
  "application/json",
  "application/xml",
  "application/javascript",
  "application/x-javascript",
  "application/ecmascript",
  "application/x-sh",
  "application/x-yaml",
  "application/yaml",
  "application/toml",
  "application/sql",
  "application/x-ndjson",
  "image/svg+xml",
]);
// Uploads of unknown type arrive as application/octet-stream; these names are still text.
const TEXT_EXTENSIONS =
  /\.(txt|text|log|md|markdown|csv|tsv|json|jsonl|ndjson|xml|yaml|yml|toml|ini|cfg|conf|env|sql|sh|js|mjs|cjs|ts|tsx|jsx|css|html?|svg|py|rb|go|rs|java|c|h|cpp|hpp|cs|php)$/i;

/** "Text/HTML; charset=UTF-8" → "text/html". */
export function baseContentType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

export function isTextType(contentType: string, name = ""): boolean {
  const type = baseContentType(contentType);
  if (type.startsWith("text/") || TEXT_APPLICATION.has(type)) return true;
  if (type.endsWith("+json") || type.endsWith("+xml")) return true;
  return (type === "application/octet-stream" || type === "") && TEXT_EXTENSIONS.test(name);
}

export function previewKind(contentType: string, name = ""): PreviewKind {
  const type = baseContentType(contentType);
  if (INLINE_IMAGES.has(type)) return "image";
  if (type === "application/pdf") return "pdf";
  if (INLINE_VIDEO.has(type)) return "video";
  if (INLINE_AUDIO.has(type)) return "audio";
  if (isTextType(type, name)) return "text";
  return "none";
}

/**
 * How `?inline=1` serves a file: inline with a type the browser cannot run, or null for
 * "download it instead". Text is served as text/plain so markup in it stays inert.
 */
export function inlineContentType(contentType: string, name = ""): string | null {
  const kind = previewKind(contentType, name);
  // No charset parameter: presignGet accepts a bare media type only.
  if (kind === "text") return "text/plain";
  if (kind === "none") return null;
  return baseContentType(contentType);
}
