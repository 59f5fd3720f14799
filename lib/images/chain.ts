import { z } from "zod";

// The Image Studio's filter chain: what the editor builds, what preview and apply accept, and what a
// preset stores. No server imports: the editor validates with the same schema before it sends.
// Every number has a range, so a chain that parses can always be rendered.

export const MAX_CHAIN_LENGTH = 40;
export const MAX_DIMENSION = 16_384;

const unit = (min: number, max: number) => z.number().finite().min(min).max(max);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "Use a colour like #ff8800");
// Positions for watermarks: the nine points of sharp's gravity grid.
export const GRAVITIES = [
  "northwest",
  "north",
  "northeast",
  "west",
  "centre",
  "east",
  "southwest",
  "south",
  "southeast",
] as const;
const gravity = z.enum(GRAVITIES);

/** Each step: a kind, whether it is on, and its settings. `id` keeps React keys stable on reorder. */
const step = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    enabled: z.boolean().default(true),
    kind: z.literal(kind),
    ...shape,
  });

export const ChainStep = z.discriminatedUnion("kind", [
  step("autoOrient", {}),
  step("resize", {
    width: z.number().int().min(1).max(MAX_DIMENSION).nullable(),
    height: z.number().int().min(1).max(MAX_DIMENSION).nullable(),
    fit: z.enum(["cover", "contain", "fill", "inside", "outside"]),
    withoutEnlargement: z.boolean().default(true),
  }).refine((s) => s.width !== null || s.height !== null, "Give a width, a height or both"),
  // Fractions of the image (0–1) as drawn on the preview, so a crop drawn on the downscaled preview
  // means the same region at full resolution.
  step("crop", {
    left: unit(0, 1),
    top: unit(0, 1),
    width: unit(0.001, 1),
    height: unit(0.001, 1),
  }).refine(
    (s) => s.left + s.width <= 1.0001 && s.top + s.height <= 1.0001,
    "The crop must lie inside the image",
  ),
  step("rotate", { angle: unit(-360, 360), background: color.default("#000000") }),
  step("flip", {}), // top ↔ bottom
  step("flop", {}), // left ↔ right
  step("brightness", { value: unit(0, 3) }), // 1 = unchanged
  step("contrast", { value: unit(0, 3) }), // 1 = unchanged
  step("saturation", { value: unit(0, 3) }), // 1 = unchanged
  step("hue", { degrees: unit(-180, 180) }),
  step("gamma", { value: unit(1, 3) }), // sharp's gamma range
  step("grayscale", {}),
  step("sepia", {}),
  step("invert", {}),
  step("blur", { sigma: unit(0.3, 100) }),
  step("sharpen", { sigma: unit(0.01, 10) }),
  step("edgeDetect", {}),
  step("emboss", {}),
  step("pixelate", { size: z.number().int().min(2).max(256) }),
  step("posterize", { levels: z.number().int().min(2).max(64) }),
  step("threshold", { value: z.number().int().min(0).max(255) }),
  step("normalize", {}),
  step("clahe", {
    width: z.number().int().min(1).max(1024),
    height: z.number().int().min(1).max(1024),
    maxSlope: z.number().int().min(0).max(100),
  }),
  step("tint", { color }),
  step("textWatermark", {
    text: z.string().trim().min(1, "Enter the watermark text").max(200),
    gravity,
    size: unit(0.01, 0.5), // font height as a fraction of the image's shorter side
    opacity: unit(0, 1),
    color: color.default("#ffffff"),
  }),
  step("imageWatermark", {
    fileId: z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Pick an image from your Drive"),
    gravity,
    size: unit(0.01, 1), // watermark width as a fraction of the image's width
    opacity: unit(0, 1),
  }),
]);
export type ChainStep = z.infer<typeof ChainStep>;
export type StepKind = ChainStep["kind"];

export const Chain = z
  .array(ChainStep)
  .max(MAX_CHAIN_LENGTH, `A chain holds at most ${MAX_CHAIN_LENGTH} steps`);
export type Chain = z.infer<typeof Chain>;

export const OutputOptions = z.object({
  format: z.enum(["jpeg", "png", "webp", "avif"]),
  quality: z.number().int().min(1).max(100).default(80),
  keepMetadata: z.boolean().default(false),
});
export type OutputOptions = z.infer<typeof OutputOptions>;
