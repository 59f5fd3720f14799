import { z } from "zod";
import { parseEnv } from "@/lib/parse-env";

// Limits on what the Image Studio will decode, and the preview caches' budgets, read from the
// environment once. Bytes are plain integers (52428800 for 50 MiB).

const MiB = 1024 * 1024;

const schema = z.object({
  // Decoded size: sharp's limitInputPixels. 100 MP is a large camera photo.
  IMAGE_MAX_PIXELS: z.coerce.number().int().min(1).default(100_000_000),
  // Encoded size of an input file (the original, or an image watermark).
  IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * MiB),
  // In-memory LRU of downscaled preview sources (raw pixels, ~3 MB each at 1024 px).
  IMAGE_PREVIEW_SOURCE_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(128 * MiB),
  // In-memory LRU of rendered previews and filter thumbnails (encoded, ~50–200 kB each).
  IMAGE_PREVIEW_RESULT_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * MiB),
  // sharp's timeout for a whole preview (every pipeline of it), and for a full-size Apply: a
  // generous cap there, as a 100-megapixel chain of heavy steps takes minutes on a busy worker.
  IMAGE_PREVIEW_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(20),
  IMAGE_APPLY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(900),
  // Render processes of one web server for previews and thumbnails (render-pool.ts): how many
  // pipelines run at once in this server. 0: one per core.
  IMAGE_PREVIEW_PROCESSES: z.coerce.number().int().min(0).max(64).default(0),
});

export type ImageConfig = z.infer<typeof schema>;

/** The limits renderChain enforces; the preview and apply paths take them from imageConfig(). */
export type ImageLimits = { maxPixels: number; maxBytes: number };

let cached: ImageConfig | undefined;

export function imageConfig(): ImageConfig {
  if (cached) return cached;
  cached = parseEnv(schema, process.env, "Image Studio");
  return cached;
}

export function imageLimits(): ImageLimits {
  const c = imageConfig();
  return { maxPixels: c.IMAGE_MAX_PIXELS, maxBytes: c.IMAGE_MAX_BYTES };
}
