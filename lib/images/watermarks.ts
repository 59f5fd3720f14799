import "server-only";
import sharp, { type OutputInfo, type OverlayOptions, type Sharp, type SharpOptions } from "sharp";
import type { ChainStep } from "./chain";
import type { ImageLimits } from "./config";
import { decodeError, inspect } from "./input";
import { ImageInputError } from "./errors";
import type { Size } from "./ops";

type Gravity = Extract<ChainStep, { kind: "textWatermark" }>["gravity"];

/** Space between a watermark and the image's edge: 3% of the shorter side. */
const marginOf = (size: Size) => Math.round(0.03 * Math.min(size.width, size.height));

const horizontal = (g: Gravity) =>
  g.endsWith("west") ? "west" : g.endsWith("east") ? "east" : "centre";
const vertical = (g: Gravity) =>
  g.startsWith("north") ? "north" : g.startsWith("south") ? "south" : "centre";

/** Top-left corner for a box of `box` size placed at `gravity` inside `image`, `margin` from the edges. */
function place(image: Size, box: Size, gravity: Gravity, margin: number) {
  const free = (room: number, size: number, where: "start" | "centre" | "end") => {
    const m = Math.min(margin, Math.max(0, Math.floor((room - size) / 2)));
    if (where === "start") return m;
    if (where === "end") return Math.max(0, room - size - m);
    return Math.max(0, Math.round((room - size) / 2));
  };
  const h = horizontal(gravity);
  const v = vertical(gravity);
  return {
    left: free(image.width, box.width, h === "west" ? "start" : h === "east" ? "end" : "centre"),
    top: free(image.height, box.height, v === "north" ? "start" : v === "south" ? "end" : "centre"),
  };
}

// Text goes into SVG markup: every character that means something there is escaped, and control
// characters (which librsvg rejects) are dropped.
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * The text watermark as an overlay: a band as wide as the image and as tall as the text, rendered
 * by librsvg from SVG we write (never from the user's files), with a faint shadow so white text
 * reads on a light sky too.
 */
export function textOverlay(
  image: Size,
  step: Extract<ChainStep, { kind: "textWatermark" }>,
): OverlayOptions {
  const margin = marginOf(image);
  const text = step.text.replace(/\s+/g, " ").trim();
  // Shrink long text to fit the width: DejaVu Sans Bold averages ~0.63 em per character.
  const fitting = (image.width - 2 * margin) / Math.max(1, 0.63 * text.length);
  const fontSize = Math.max(4, Math.min(step.size * Math.min(image.width, image.height), fitting));
  const band = {
    width: image.width,
    height: Math.min(image.height, Math.ceil(fontSize * 1.4)),
  };
  const h = horizontal(step.gravity);
  const x = h === "west" ? margin : h === "east" ? image.width - margin : image.width / 2;
  const anchor = h === "west" ? "start" : h === "east" ? "end" : "middle";
  const baseline = fontSize * 1.05;
  const shadow = Math.max(1, fontSize * 0.04);
  const font = `font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="bold" font-size="${fontSize.toFixed(2)}" text-anchor="${anchor}"`;
  const body = escapeXml(text);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${band.width}" height="${band.height}">` +
    `<text x="${(x + shadow).toFixed(2)}" y="${(baseline + shadow).toFixed(2)}" ${font} fill="#000000" fill-opacity="${(step.opacity * 0.45).toFixed(3)}">${body}</text>` +
    `<text x="${x.toFixed(2)}" y="${baseline.toFixed(2)}" ${font} fill="${step.color}" fill-opacity="${step.opacity.toFixed(3)}">${body}</text>` +
    `</svg>`;
  const { top } = place(image, band, step.gravity, margin);
  return { input: Buffer.from(svg), top, left: 0 };
}

/**
 * The image watermark as a raw RGBA overlay: the Drive image turned upright, scaled to `size` of
 * the image's width (and never taller than the image), its alpha multiplied by `opacity`.
 */
export async function imageOverlay(
  image: Size,
  step: Extract<ChainStep, { kind: "imageWatermark" }>,
  load: ((fileId: string) => Promise<Buffer>) | undefined,
  limits: ImageLimits,
  make: (input: Buffer, options: SharpOptions) => Sharp = sharp,
): Promise<OverlayOptions> {
  if (!load) throw new Error("renderChain: an imageWatermark step needs opts.loadWatermark");
  const source = await load(step.fileId);
  try {
    await inspect(source, limits);
  } catch (err) {
    const why = err instanceof ImageInputError ? err.message : "It could not be read.";
    throw new ImageInputError("watermark", `The watermark image cannot be used. ${why}`, {
      cause: err,
    });
  }
  const margin = marginOf(image);
  const maxWidth = Math.max(1, Math.min(image.width, Math.round(step.size * image.width)));
  const maxHeight = Math.max(1, image.height - 2 * margin);
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await make(source, { limitInputPixels: limits.maxPixels })
      .autoOrient()
      .resize({ width: maxWidth, height: maxHeight, fit: "inside" })
      .ensureAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageInputError("watermark", "The watermark image is damaged and cannot be read.", {
      cause: decodeError(err),
    });
  }
  const { width, height, channels } = out.info;
  const data = Buffer.from(out.data);
  if (step.opacity < 1) {
    for (let i = channels - 1; i < data.length; i += channels) {
      data[i] = Math.round((data[i] ?? 0) * step.opacity);
    }
  }
  const { left, top } = place(image, { width, height }, step.gravity, margin);
  return { input: data, raw: { width, height, channels: channels as 4 }, left, top };
}
