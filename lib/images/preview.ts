import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { liveFile, type LiveFile } from "@/lib/drive/access";
import { baseContentType } from "@/lib/drive/preview-kind";
import { getObjectStream } from "@/lib/storage/objects";
import { pixelBudgetFor, planWithinBudget } from "./budget";
import { defaultStep } from "./catalog";
import type { Chain, OutputOptions, StepKind } from "./chain";
import { imageConfig, imageLimits, type ImageLimits } from "./config";
import { ImageInputError, isSharpTimeout, mebibytes } from "./errors";
import { decodeError, inspect, readAll } from "./input";
import { ByteLru } from "./lru";
import { renderChain, type RawImage, type RenderResult, type SharpFactory } from "./pipeline";
import { killedAfterTimeout, renderPool } from "./render-pool";

// The editor's live preview and its filter thumbnails: the chain rendered on a downscaled copy
// of the owner's image. Two caches, both in this process's memory and bounded by bytes: the
// downscaled copies (raw pixels, so a render skips decoding) and the rendered images, keyed by
// the file's stored version and the chain's canonical form.
//
// Every pixel is made in the server's render processes (render-pool.ts), never on the server's
// own threads, and within a pixel budget (budget.ts): whatever the chain says, no image of a
// preview — on the way or at the end — is larger than twice the copy's square, and the whole
// render has sharp's timeout (IMAGE_PREVIEW_TIMEOUT_SECONDS).

export const PREVIEW_LONG_SIDE = 1024;
export const THUMBNAIL_LONG_SIDE = 160;

export const PREVIEW_OUTPUT: OutputOptions = { format: "webp", quality: 80, keepMetadata: false };
const THUMBNAIL_OUTPUT: OutputOptions = { format: "webp", quality: 70, keepMetadata: false };

export const NOT_AN_IMAGE = "This file does not exist, is in the trash or is not an image.";
const WATERMARK_GONE = "The watermark image is no longer in your Drive. Pick another one.";

export const previewTooSlow = (seconds: number) =>
  `This preview took more than ${seconds} seconds to render and was stopped. Remove or soften a heavy step (a large resize, blur or rotation) and try again.`;

export type Preview = {
  data: Buffer;
  contentType: "image/webp";
  width: number;
  height: number;
  /** Downscaled copy's width over the original's. */
  scale: number;
  etag: string;
  cached: boolean;
};

export type PreviewOutcome =
  ({ ok: true } & Preview) | { ok: false; status: 404 | 413 | 422 | 499; message: string };

export type PreviewOptions = {
  signal?: AbortSignal;
  limits?: Partial<ImageLimits>;
  /** Filled in with the chain's sharp pipelines and the largest image made (tests, the bench). */
  stats?: { pipelines: number; peakPixels?: number };
};

type Source = { image: RawImage; scale: number; key: string };
type Rendered = Omit<Preview, "cached" | "contentType">;
type OwnedFile = LiveFile;

let caches: { sources: ByteLru<Source>; results: ByteLru<Rendered> } | undefined;
const loading = new Map<string, Promise<Source>>();

function previewCaches() {
  if (!caches) {
    const config = imageConfig();
    caches = {
      sources: new ByteLru(config.IMAGE_PREVIEW_SOURCE_CACHE_BYTES, (s) => s.image.data.length),
      results: new ByteLru(config.IMAGE_PREVIEW_RESULT_CACHE_BYTES, (r) => r.data.length + 200),
    };
  }
  return caches;
}

/** Empties both caches (tests, and the bench's cold-start measurement). */
export function clearPreviewCaches(): void {
  caches?.sources.clear();
  caches?.results.clear();
}

/** A live file of this owner whose type says image; foreign, missing and trashed look the same. */
async function ownedImageFile(ownerId: string, fileId: string): Promise<OwnedFile | null> {
  const file = await liveFile(ownerId, fileId);
  if (!file || !baseContentType(file.contentType).startsWith("image/")) return null;
  return file;
}

const versionKey = (f: OwnedFile) => `${f.id}:${f.storageKey}:${f.updatedAt.getTime()}`;

async function readFile(file: OwnedFile, limits: ImageLimits): Promise<Buffer> {
  if (Number(file.size) > limits.maxBytes) {
    throw new ImageInputError(
      "too-many-bytes",
      `This file is ${mebibytes(Number(file.size))}; images up to ${mebibytes(limits.maxBytes)} can be processed.`,
    );
  }
  const object = await getObjectStream(file.storageKey);
  if (!object) throw new ImageInputError("corrupt", "The stored image could not be found.");
  return readAll(Readable.fromWeb(object.body as WebReadableStream<Uint8Array>), limits.maxBytes);
}

/** Decodes the original once, downscaled so its long side is at most `longSide`, kept as raw pixels. */
async function downscale(
  bytes: Buffer,
  longSide: number,
  limits: ImageLimits,
  make: SharpFactory,
): Promise<Omit<Source, "key">> {
  const meta = await inspect(bytes, limits);
  const seconds = imageConfig().IMAGE_PREVIEW_TIMEOUT_SECONDS;
  const began = performance.now();
  let out;
  try {
    // No autoOrient: the chain's own autoOrient step decides, as it does at full size.
    out = await make(bytes, { limitInputPixels: limits.maxPixels, failOn: "error" })
      .resize(longSide, longSide, { fit: "inside", withoutEnlargement: true })
      .raw()
      .timeout({ seconds })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (isSharpTimeout(err) || performance.now() - began >= seconds * 1000) {
      throw new ImageInputError("too-slow", previewTooSlow(seconds), { cause: err });
    }
    throw decodeError(err);
  }
  const { width, height, channels } = out.info;
  return {
    image: {
      data: out.data,
      raw: { width, height, channels: channels as RawImage["raw"]["channels"] },
      orientation: meta.orientation ?? 1,
    },
    scale: width / (meta.width ?? width),
  };
}

/**
 * The downscaled copy for previews (or thumbnails), from the cache or made once even when many
 * requests ask at the same moment (the editor asks for every filter's thumbnail at once). It is
 * not cancelled with the request that started it: the others may still want it.
 */
function source(
  file: OwnedFile,
  longSide: number,
  limits: ImageLimits,
  make: SharpFactory,
): Promise<Source> {
  const key = `${versionKey(file)}:${longSide}`;
  const hit = previewCaches().sources.get(key);
  if (hit) return Promise.resolve(hit);
  const pending = loading.get(key);
  if (pending) return pending;
  const made = (async () => {
    let scaled: Omit<Source, "key">;
    if (longSide < PREVIEW_LONG_SIDE) {
      // Thumbnails come from the preview copy, not from the original again.
      const big = await source(file, PREVIEW_LONG_SIDE, limits, make);
      const out = await make(big.image.data, { raw: big.image.raw })
        .resize(longSide, longSide, { fit: "inside", withoutEnlargement: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      scaled = {
        image: {
          data: out.data,
          raw: { ...big.image.raw, width: out.info.width, height: out.info.height },
          orientation: big.image.orientation,
        },
        scale: (big.scale * out.info.width) / big.image.raw.width,
      };
    } else {
      scaled = await downscale(await readFile(file, limits), longSide, limits, make);
    }
    const made = { ...scaled, key };
    previewCaches().sources.set(key, made);
    return made;
  })().finally(() => loading.delete(key));
  loading.set(key, made);
  return made;
}

/** The chain as it renders: disabled steps and step ids make no difference to the pixels. */
function canonical(chain: Chain): string {
  const sortKeys = (value: unknown): unknown =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        )
      : value;
  return JSON.stringify(
    chain
      .filter((s) => s.enabled)
      .map((step) => sortKeys({ ...step, id: undefined, enabled: undefined })),
  );
}

const hash = (...parts: string[]) =>
  createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 32);

/** The owner's image watermarks of a chain: their stored versions (for the cache key) and bytes. */
async function watermarks(ownerId: string, chain: Chain, limits: ImageLimits) {
  const ids = [
    ...new Set(chain.flatMap((s) => (s.enabled && s.kind === "imageWatermark" ? [s.fileId] : []))),
  ];
  const files = new Map<string, OwnedFile>();
  for (const id of ids) {
    const file = await ownedImageFile(ownerId, id);
    if (!file) throw new ImageInputError("watermark", WATERMARK_GONE);
    files.set(id, file);
  }
  const bytes = new Map<string, Promise<Buffer>>();
  return {
    versions: [...files.values()].map(versionKey),
    // Read at most once per render, only if the render gets that far.
    load: (id: string) => {
      const file = files.get(id);
      if (!file) return Promise.reject(new ImageInputError("watermark", WATERMARK_GONE));
      const cached = bytes.get(id) ?? readFile(file, limits);
      bytes.set(id, cached);
      return cached;
    },
  };
}

function failure(err: unknown): PreviewOutcome {
  if (err instanceof ImageInputError)
    return { ok: false, status: err.status, message: err.message };
  if (err instanceof Error && err.name === "AbortError") {
    return { ok: false, status: 499, message: "A newer preview replaced this one." };
  }
  throw err;
}

/**
 * The chain on a preview copy (`scale` of the original), in the render pool, within the pixel
 * budget for copies of `longSide` and within the preview's timeout. Exported for the bench.
 */
export async function renderOnCopy(
  ownerId: string,
  src: { image: RawImage; scale: number },
  chain: Chain,
  opts: {
    signal?: AbortSignal;
    limits: ImageLimits;
    longSide: number;
    output: OutputOptions;
    loadWatermark?: (fileId: string) => Promise<Buffer>;
    stats?: PreviewOptions["stats"];
  },
): Promise<RenderResult & { scale: number }> {
  const seconds = imageConfig().IMAGE_PREVIEW_TIMEOUT_SECONDS;
  const tooSlow = previewTooSlow(seconds);
  const make = renderPool().sharp({
    userId: ownerId,
    signal: opts.signal,
    // sharp's timeout stops a pipeline from inside; this is for one that does not stop.
    killAfterMs: (seconds + 10) * 1000,
    killed: killedAfterTimeout(tooSlow),
  });
  const budget = pixelBudgetFor(opts.longSide);
  const { raw } = src.image;
  const plan = planWithinBudget(
    { width: raw.width, height: raw.height },
    src.image.orientation ?? 1,
    chain,
    src.scale,
    budget,
  );
  let image = src.image;
  if (plan.size.width !== raw.width || plan.size.height !== raw.height) {
    // The chain would pass the budget at this scale: render all of it smaller.
    const smaller = await make(image.data, { raw })
      .resize(plan.size.width, plan.size.height, { fit: "fill" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    image = {
      data: smaller.data,
      raw: { ...raw, width: smaller.info.width, height: smaller.info.height },
      orientation: image.orientation,
    };
  }
  opts.signal?.throwIfAborted();
  const out = await renderChain(image, chain, opts.output, {
    scale: plan.scale,
    signal: opts.signal,
    limits: opts.limits,
    loadWatermark: opts.loadWatermark,
    fastEncode: true,
    sharp: make,
    pixelBudget: budget,
    timeout: { seconds, message: tooSlow },
    stats: opts.stats,
  });
  return { ...out, scale: plan.scale };
}

async function render(
  ownerId: string,
  fileId: string,
  chain: Chain,
  opts: PreviewOptions & { longSide: number; output: OutputOptions },
): Promise<PreviewOutcome> {
  const limits = { ...imageLimits(), ...opts.limits };
  try {
    opts.signal?.throwIfAborted();
    const file = await ownedImageFile(ownerId, fileId);
    if (!file) return { ok: false, status: 404, message: NOT_AN_IMAGE };
    const marks = await watermarks(ownerId, chain, limits);
    const key = hash(
      versionKey(file),
      String(opts.longSide),
      JSON.stringify(opts.output),
      canonical(chain),
      ...marks.versions,
    );
    const hit = previewCaches().results.get(key);
    if (hit) return { ok: true, ...hit, contentType: "image/webp", cached: true };

    const pool = renderPool();
    // The copy is shared by every request that wants it: it is not cancelled with this one.
    const seconds = imageConfig().IMAGE_PREVIEW_TIMEOUT_SECONDS;
    const src = await source(
      file,
      opts.longSide,
      limits,
      pool.sharp({
        userId: ownerId,
        killAfterMs: (seconds + 10) * 1000,
        killed: killedAfterTimeout(previewTooSlow(seconds)),
      }),
    );
    opts.signal?.throwIfAborted();
    const out = await renderOnCopy(ownerId, src, chain, {
      ...opts,
      limits,
      loadWatermark: marks.load,
    });
    const rendered: Rendered = {
      data: out.data,
      width: out.info.width,
      height: out.info.height,
      scale: out.scale,
      etag: `"${key}"`,
    };
    previewCaches().results.set(key, rendered);
    return { ok: true, ...rendered, contentType: "image/webp", cached: false };
  } catch (err) {
    return failure(err);
  }
}

/**
 * The whole chain on the owner's image, downscaled to a long side of 1024 px, as WebP. Pixel sizes
 * in the chain are scaled with the image, so the preview looks like the full-size result.
 */
export function renderPreview(
  ownerId: string,
  input: { fileId: string; chain: Chain },
  opts: PreviewOptions = {},
): Promise<PreviewOutcome> {
  return render(ownerId, input.fileId, input.chain, {
    ...opts,
    longSide: PREVIEW_LONG_SIDE,
    output: PREVIEW_OUTPUT,
  });
}

/** One filter with its default settings on the owner's image, 160 px on the long side. */
export function renderThumbnail(
  ownerId: string,
  input: { fileId: string; kind: StepKind },
  opts: PreviewOptions = {},
): Promise<PreviewOutcome> {
  // An image watermark needs an image of the owner's: the picture itself is the one we know.
  const step = defaultStep(
    input.kind,
    input.kind === "imageWatermark" ? { fileId: input.fileId } : {},
  );
  return render(ownerId, input.fileId, [step], {
    ...opts,
    longSide: THUMBNAIL_LONG_SIDE,
    output: THUMBNAIL_OUTPUT,
  });
}
