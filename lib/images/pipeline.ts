import "server-only";
import { Readable } from "node:stream";
import sharp, { type OutputInfo, type Sharp, type SharpInput, type SharpOptions } from "sharp";
import type { Chain, ChainStep, OutputOptions } from "./chain";
import { imageLimits, type ImageLimits } from "./config";
import { ImageInputError, isSharpTimeout, megapixels } from "./errors";
import { decodeError, inspect, readAll, tooManyPixels } from "./input";
import {
  applyOp,
  commutes,
  EDGE_DETECT,
  EMBOSS,
  NEEDS_COLOUR,
  orientationOps,
  rank,
  resizedSize,
  resizeIsExact,
  rotatedSize,
  SEPIA,
  type Op,
  type Size,
} from "./ops";
import { imageOverlay, textOverlay } from "./watermarks";

export { ImageInputError } from "./errors";

// renderChain: one chain on one image, as a pure function of its inputs (the original is read,
// never written). Steps are packed into as few sharp pipelines as keep the user's order — sharp
// runs each operation at most once per pipeline, in its own fixed order — and the pixels between
// two pipelines stay in memory as raw buffers. A typical chain (orient, resize, a few filters)
// is one pipeline, which is what raw sharp would run.

/** Already-decoded pixels (8 bits per channel), e.g. the preview's cached downscaled copy. */
export type RawImage = {
  data: Buffer;
  raw: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
  /** The EXIF orientation of the image these pixels came from, for the autoOrient step. */
  orientation?: number;
};

export type RenderInput = Buffer | Readable | RawImage;

export type RenderOptions = {
  /** Reads an image watermark's bytes; it must check that the file belongs to the chain's owner. */
  loadWatermark?: (fileId: string) => Promise<Buffer>;
  limits?: Partial<ImageLimits>;
  /** Checked between pipelines: a superseded preview stops early with an AbortError. */
  signal?: AbortSignal;
  /**
   * For a preview on a downscaled copy: the copy's width over the original's. Sizes in pixels
   * (resize target, blur and sharpen radius, pixelate block, CLAHE region) are multiplied by it,
   * so the preview looks like the full-size result, only smaller.
   */
  scale?: number;
  /** Quicker, slightly larger encoding: previews, which are shown once and thrown away. */
  fastEncode?: boolean;
  /** Filled in with how many sharp pipelines the chain took and the largest image it made. */
  stats?: { pipelines: number; peakPixels?: number };
  /**
   * Makes the sharp pipelines: sharp itself by default; the preview's render processes
   * (render-pool.ts) run them away from the web server.
   */
  sharp?: SharpFactory;
  /**
   * A hard bound on every image the chain makes (the preview's pixel budget, budget.ts). The
   * preview plans its scale so this never trips; if it does, the planner is wrong: an internal
   * error, not a message for the user.
   */
  pixelBudget?: number;
  /**
   * sharp's timeout, for the whole chain: each pipeline gets what is left of it. When it runs
   * out the render stops with an ImageInputError ("too-slow") carrying `message`.
   */
  timeout?: { seconds: number; message: string };
};

/** sharp's constructor, as far as renderChain uses it. */
export type SharpFactory = (input?: SharpInput, options?: SharpOptions) => Sharp;

export type RenderInfo = { width: number; height: number; format: string; size: number };
export type RenderResult = { data: Buffer; info: RenderInfo };

type Raw = { data: Buffer; width: number; height: number; channels: number };
type Original =
  | {
      kind: "encoded";
      data: Buffer;
      size: Size;
      orientation: number;
      icc: boolean;
      cmyk: boolean;
      otherMetadata: boolean;
      alpha: boolean;
    }
  | ({ kind: "raw"; orientation: number } & Raw);

export function isRawImage(input: RenderInput): input is RawImage {
  return !Buffer.isBuffer(input) && !(input instanceof Readable) && "raw" in input;
}

export async function renderChain(
  input: RenderInput,
  chain: Chain,
  output: OutputOptions,
  opts: RenderOptions = {},
): Promise<RenderResult> {
  const limits: ImageLimits = { ...imageLimits(), ...opts.limits };
  opts.signal?.throwIfAborted();
  const original = await openOriginal(input, limits, opts.signal);
  const runner = new Runner(original, limits, output, opts);
  const scale = opts.scale ?? 1;
  for (const step of chain) {
    if (!step.enabled) continue;
    await addStep(runner, step, scale, opts, limits);
  }
  return runner.finish();
}

async function openOriginal(
  input: RenderInput,
  limits: ImageLimits,
  signal?: AbortSignal,
): Promise<Original> {
  if (isRawImage(input)) {
    const { width, height, channels } = input.raw;
    if (input.data.length !== width * height * channels) {
      throw new Error("renderChain: raw data does not match its width × height × channels");
    }
    if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
    return {
      kind: "raw",
      data: input.data,
      width,
      height,
      channels,
      orientation: input.orientation ?? 1,
    };
  }
  const data = Buffer.isBuffer(input) ? input : await readAll(input, limits.maxBytes, signal);
  const meta = await inspect(data, limits);
  return {
    kind: "encoded",
    data,
    size: { width: meta.width ?? 1, height: meta.height ?? 1 },
    orientation: meta.orientation ?? 1,
    icc: meta.icc !== undefined,
    // CMYK is converted to sRGB while decoding; its profile would no longer describe the pixels.
    cmyk: meta.space === "cmyk",
    otherMetadata: Boolean(meta.exif ?? meta.xmp ?? meta.iptc),
    alpha: meta.hasAlpha ?? false,
  };
}

async function addStep(
  r: Runner,
  step: ChainStep,
  scale: number,
  opts: RenderOptions,
  limits: ImageLimits,
): Promise<void> {
  const px = (v: number) => v * scale;
  switch (step.kind) {
    case "autoOrient":
      return r.autoOrient();
    case "resize": {
      const side = (v: number | null) => (v === null ? null : Math.max(1, Math.round(px(v))));
      return r.push({
        t: "resize",
        width: side(step.width),
        height: side(step.height),
        fit: step.fit,
        withoutEnlargement: step.withoutEnlargement,
      });
    }
    case "crop": {
      const { width: W, height: H } = await r.exactSize();
      const left = Math.min(W - 1, Math.round(step.left * W));
      const top = Math.min(H - 1, Math.round(step.top * H));
      const width = Math.min(W - left, Math.max(1, Math.round(step.width * W)));
      const height = Math.min(H - top, Math.max(1, Math.round(step.height * H)));
      if (left === 0 && top === 0 && width === W && height === H) return;
      return r.push({ t: "extract", box: { left, top, width, height } });
    }
    case "rotate": {
      const turn = ((step.angle % 360) + 360) % 360;
      if (turn === 0) return;
      const angle = turn % 90 === 0 ? turn : step.angle;
      return r.push({ t: "rotate", angle, background: step.background });
    }
    case "flip":
      return r.push({ t: "flip" });
    case "flop":
      return r.push({ t: "flop" });
    case "brightness":
      return r.push({ t: "modulate", brightness: step.value, saturation: 1, hue: 0 });
    case "saturation":
      return r.push({ t: "modulate", brightness: 1, saturation: step.value, hue: 0 });
    case "hue":
      return r.push({ t: "modulate", brightness: 1, saturation: 1, hue: Math.round(step.degrees) });
    case "contrast":
      // Around mid-grey, so 1 is unchanged and the image's middle tone stays where it is.
      return r.push({ t: "linear", a: step.value, b: 128 * (1 - step.value) });
    case "gamma":
      return step.value === 1 ? undefined : r.push({ t: "gamma", value: step.value });
    case "grayscale":
      return r.push({ t: "greyscale" });
    case "sepia":
      return r.push({ t: "recomb", matrix: SEPIA });
    case "invert":
      return r.push({ t: "negate" });
    case "blur": {
      const sigma = px(step.sigma);
      // Below sharp's minimum the blur is invisible at this scale anyway.
      return sigma < 0.3 ? undefined : r.push({ t: "blur", sigma: Math.min(1000, sigma) });
    }
    case "sharpen":
      return r.push({ t: "sharpen", sigma: Math.min(10, Math.max(0.01, px(step.sigma))) });
    case "edgeDetect":
      return r.push({ t: "convolve", kernel: EDGE_DETECT });
    case "emboss":
      return r.push({ t: "convolve", kernel: EMBOSS });
    case "pixelate":
      return r.pixelate(Math.round(px(step.size)));
    case "posterize":
      return r.posterize(step.levels);
    case "threshold":
      // sharp treats threshold 0 as "off"; 0 means every pixel is at or above it: all white.
      return step.value === 0
        ? r.push({ t: "linear", a: 0, b: 255 })
        : r.push({ t: "threshold", value: step.value });
    case "normalize":
      return r.push({ t: "normalise" });
    case "clahe":
      return r.push({
        t: "clahe",
        width: Math.max(1, Math.round(px(step.width))),
        height: Math.max(1, Math.round(px(step.height))),
        maxSlope: step.maxSlope,
      });
    case "tint":
      return r.push({ t: "tint", color: step.color });
    case "textWatermark": {
      const size = await r.exactSize();
      return r.push({ t: "composite", overlays: [textOverlay(size, step)] });
    }
    case "imageWatermark": {
      const size = await r.exactSize();
      const overlay = await imageOverlay(size, step, opts.loadWatermark, limits, opts.sharp);
      return r.push({ t: "composite", overlays: [overlay] });
    }
  }
}

class Runner {
  /** Input of the pipeline being built: the original, or raw pixels of the previous pipeline. */
  private src: Original | ({ kind: "raw" } & Raw);
  private stage: Op[] = [];
  private size: Size;
  private sizeExact = true;
  /** The EXIF orientation has been applied (an autoOrient step ran). */
  private oriented = false;
  private readonly keepIcc: boolean;
  private readonly keepOther: boolean;
  private readonly make: SharpFactory;
  private readonly deadline: number;

  constructor(
    private readonly original: Original,
    private readonly limits: ImageLimits,
    private readonly output: OutputOptions,
    private readonly opts: RenderOptions,
  ) {
    if (opts.stats) opts.stats.pipelines = 0;
    this.make = opts.sharp ?? sharp;
    this.deadline = performance.now() + (opts.timeout?.seconds ?? 0) * 1000;
    this.src = original;
    this.size = original.kind === "encoded" ? original.size : original;
    this.size = { width: this.size.width, height: this.size.height };
    this.keepIcc = original.kind === "encoded" && original.icc && !original.cmyk;
    this.keepOther = output.keepMetadata && original.kind === "encoded" && original.otherMetadata;
  }

  private get hasAlpha(): boolean {
    const o = this.original;
    return o.kind === "encoded" ? o.alpha : o.channels === 2 || o.channels === 4;
  }

  private get readsOriginal(): boolean {
    return this.src === this.original;
  }

  /** The current size, exactly: runs the pending pipeline first if a step made it uncertain. */
  async exactSize(): Promise<Size> {
    if (!this.sizeExact) await this.flush();
    return this.size;
  }

  async push(op: Op): Promise<void> {
    if (!this.fits(op)) await this.flush();
    const last = this.stage.at(-1);
    if (op.t === "modulate" && last?.t === "modulate") {
      // Brightness and saturation scale, hue turns: consecutive ones combine into one.
      last.brightness *= op.brightness;
      last.saturation *= op.saturation;
      last.hue = (last.hue + op.hue) % 360;
    } else if (op.t === "composite" && last?.t === "composite") {
      last.overlays.push(...op.overlays);
    } else {
      this.stage.push(op.t === "composite" ? { ...op, overlays: [...op.overlays] } : { ...op });
    }
    this.track(op);
  }

  private fits(op: Op): boolean {
    const last = this.stage.at(-1);
    if ((op.t === "modulate" || op.t === "composite") && last?.t === op.t) return true;
    if (this.stage.some((o) => o.t === op.t)) return false;
    if (NEEDS_COLOUR(op) && this.stage.some((o) => o.t === "greyscale")) return false;
    const r = rank(op);
    return this.stage.every((o) => rank(o) <= r || commutes(op, o));
  }

  private track(op: Op): void {
    const { width, height } = this.size;
    switch (op.t) {
      case "orient":
        if (this.original.orientation >= 5) this.size = { width: height, height: width };
        break;
      case "extract":
      case "extractPost":
        this.size = { width: op.box.width, height: op.box.height };
        break;
      case "resize":
        this.size = resizedSize(this.size, op);
        this.sizeExact = resizeIsExact(op);
        break;
      case "rotate":
        if (op.angle % 90 === 0) {
          if (op.angle % 180 !== 0) this.size = { width: height, height: width };
        } else {
          this.size = rotatedSize(this.size, op.angle);
          this.sizeExact = false;
        }
        break;
      default:
        break;
    }
    this.checkBudget(this.size);
    // An estimate, so 2% of slack: the limit is there to stop a resize to 16k × 16k, not rounding.
    const pixels = this.size.width * this.size.height;
    if (pixels > this.limits.maxPixels * 1.02) {
      throw new ImageInputError(
        "result-too-large",
        `This chain would make a ${this.size.width} × ${this.size.height} image (${megapixels(pixels)}); results up to ${megapixels(this.limits.maxPixels)} can be made.`,
      );
    }
  }

  async autoOrient(): Promise<void> {
    if (this.oriented) return;
    this.oriented = true;
    const o = this.original.orientation;
    if (o <= 1 || o > 8) return;
    // sharp's own autoOrient runs first in a pipeline and reads the tag from the file; anywhere
    // else (after another step, or on raw pixels) the same flips and turns are done by hand.
    if (this.readsOriginal && this.original.kind === "encoded" && this.stage.length === 0) {
      return this.push({ t: "orient" });
    }
    for (const op of orientationOps(o)) await this.push(op);
  }

  async pixelate(block: number): Promise<void> {
    if (block < 2) return;
    const { width: W, height: H } = await this.exactSize();
    const w = Math.ceil(W / block);
    const h = Math.ceil(H / block);
    const resize = (width: number, height: number, kernel?: "nearest"): Op => ({
      t: "resize",
      width,
      height,
      fit: "fill",
      withoutEnlargement: false,
      ...(kernel ? { kernel } : {}),
    });
    // Average each block down to one pixel, then blow it up again with nearest-neighbour: every
    // block is block × block (the last row and column cut to the image's edge).
    await this.push(resize(w, h));
    await this.push(resize(w * block, h * block, "nearest"));
    if (w * block !== W || h * block !== H) {
      await this.push({ t: "extractPost", box: { left: 0, top: 0, width: W, height: H } });
    }
  }

  /** Posterize: a lookup on raw pixels, as sharp has no per-value table operation. */
  async posterize(levels: number): Promise<void> {
    const step = 255 / (levels - 1);
    const table = new Uint8Array(256);
    for (let v = 0; v < 256; v++) table[v] = Math.round(Math.round(v / step) * step);
    const raw = await this.materialise();
    // A new buffer: the input (e.g. a cached preview source) is never written to.
    const data = Buffer.allocUnsafe(raw.data.length);
    const c = raw.channels;
    const alpha = c === 2 || c === 4;
    for (let i = 0; i < raw.data.length; i++) {
      const v = raw.data[i] ?? 0;
      data[i] = alpha && i % c === c - 1 ? v : (table[v] ?? v);
    }
    this.src = { kind: "raw", data, width: raw.width, height: raw.height, channels: c };
  }

  private open(): Sharp {
    const src = this.src;
    if (src.kind === "encoded") {
      const s = this.make(src.data, { limitInputPixels: this.limits.maxPixels, failOn: "error" });
      // With a profile to keep, pixels stay in the image's own colour space all the way (no
      // conversion in and out of sRGB) and the profile goes back on at the end.
      return this.keepIcc ? s.keepIccProfile() : s;
    }
    const { width, height, channels } = src;
    return this.make(src.data, {
      raw: { width, height, channels: channels as 1 | 2 | 3 | 4 },
      // Sizes between pipelines are checked by track(); the input limit was for the original.
      limitInputPixels: false,
    });
  }

  private build(): Sharp {
    const s = this.open();
    const ordered = this.stage.map((op, i) => ({ op, i }));
    ordered.sort((a, b) => rank(a.op) - rank(b.op) || a.i - b.i);
    for (const { op } of ordered) applyOp(s, op);
    // Watermarks and rotations add an alpha channel; over an opaque image it stays opaque.
    if (!this.hasAlpha) s.removeAlpha();
    return s;
  }

  private async run(s: Sharp): Promise<{ data: Buffer; info: OutputInfo }> {
    if (this.opts.stats) this.opts.stats.pipelines += 1;
    const timeout = this.opts.timeout;
    const began = performance.now();
    let seconds = 0;
    if (timeout) {
      // Whole seconds, at least one: sharp's unit; 0 would mean no timeout at all.
      seconds = Math.min(3600, Math.ceil((this.deadline - began) / 1000));
      if (seconds <= 0) throw new ImageInputError("too-slow", timeout.message);
      s.timeout({ seconds });
    }
    let out: { data: Buffer; info: OutputInfo };
    try {
      out = await s.toBuffer({ resolveWithObject: true });
    } catch (err) {
      // libvips stops a timed-out pipeline by killing its image; sharp then says "timeout: n%
      // complete", or — when the kill's warning comes first — that a warning was an error.
      const timedOut = isSharpTimeout(err) || performance.now() - began >= seconds * 1000;
      if (timeout && timedOut) {
        throw new ImageInputError("too-slow", timeout.message, { cause: err });
      }
      // Only the pipeline that decodes the user's file can fail because of the file.
      throw this.readsOriginal && this.original.kind === "encoded" ? decodeError(err) : err;
    }
    this.checkBudget({ width: out.info.width, height: out.info.height });
    return out;
  }

  private checkBudget(size: Size): void {
    const pixels = size.width * size.height;
    if (this.opts.stats) {
      this.opts.stats.peakPixels = Math.max(this.opts.stats.peakPixels ?? 0, pixels);
    }
    // Estimates (rotations, rounding): 2% of slack, as for the limit on results.
    if (this.opts.pixelBudget !== undefined && pixels > this.opts.pixelBudget * 1.02) {
      throw new Error(
        `renderChain: a ${size.width} × ${size.height} image is over the pixel budget of ${this.opts.pixelBudget}`,
      );
    }
  }

  /** Runs the pending pipeline into raw pixels (three or four channels). */
  private async flush(): Promise<void> {
    if (this.stage.length === 0) return;
    await this.materialise();
  }

  private async materialise(): Promise<{ kind: "raw" } & Raw> {
    if (this.src.kind === "raw" && this.stage.length === 0) return this.src;
    const { data, info } = await this.run(this.build().raw({ depth: "uchar" }));
    const raw = toColour({ data, width: info.width, height: info.height, channels: info.channels });
    this.src = { kind: "raw", ...raw };
    this.stage = [];
    this.size = { width: raw.width, height: raw.height };
    this.sizeExact = true;
    this.opts.signal?.throwIfAborted();
    return this.src;
  }

  async finish(): Promise<RenderResult> {
    let s: Sharp;
    const transplant = (this.keepIcc || this.keepOther) && !this.readsOriginal;
    if (transplant && this.original.kind === "encoded") {
      // The pixels went through raw buffers, which carry no profile or EXIF. The original's
      // metadata comes back by drawing the result over a stand-in decoded from the original
      // (which carries it): the stand-in's pixels are replaced entirely.
      let raw = await this.materialise();
      if (this.output.format === "jpeg" && raw.channels === 4) raw = await this.flattenRaw(raw);
      s = this.make(this.original.data, {
        limitInputPixels: this.limits.maxPixels,
        failOn: "error",
      })
        .resize(raw.width, raw.height, { fit: "fill", kernel: "nearest" })
        .composite([
          {
            input: raw.data,
            raw: { width: raw.width, height: raw.height, channels: raw.channels as 3 | 4 },
            blend: "source",
          },
        ]);
      if (!this.hasAlpha) s.removeAlpha();
    } else {
      s = this.build();
      // JPEG has no transparency: transparent areas become white, not black.
      if (this.output.format === "jpeg") s.flatten({ background: "#ffffff" });
    }
    this.keepMetadata(s);
    encode(s, this.output, this.opts.fastEncode ?? false);
    const { data, info } = await this.run(s);
    return {
      data,
      info: {
        width: info.width,
        height: info.height,
        format: this.output.format,
        size: data.length,
      },
    };
  }

  private async flattenRaw(raw: { kind: "raw" } & Raw): Promise<{ kind: "raw" } & Raw> {
    const { data, info } = await this.run(
      this.make(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } })
        .flatten({ background: "#ffffff" })
        .raw(),
    );
    return { kind: "raw", data, width: info.width, height: info.height, channels: info.channels };
  }

  private keepMetadata(s: Sharp): void {
    if (this.keepOther && this.oriented && this.original.orientation > 1) {
      // The pixels are upright now: the tag must not make viewers turn them again.
      s.withMetadata({ orientation: 1 });
    } else if (this.keepIcc && this.keepOther) s.keepMetadata();
    else if (this.keepIcc) s.keepIccProfile();
    else if (this.keepOther) s.keepExif().keepXmp();
  }
}

function encode(s: Sharp, out: OutputOptions, fast: boolean): Sharp {
  switch (out.format) {
    case "jpeg":
      return s.jpeg({ quality: out.quality });
    case "png":
      // Lossless: quality does not apply.
      return s.png(fast ? { compressionLevel: 2 } : {});
    case "webp":
      // Effort 1 encodes in about half the time of the default 4, for ~20% more bytes.
      return s.webp({ quality: out.quality, ...(fast ? { effort: 1 } : {}) });
    case "avif":
      return s.avif({ quality: out.quality, ...(fast ? { effort: 1 } : {}) });
  }
}

/** One-band (grey) pixels as three bands, so later colour steps (tint, sepia…) have colour. */
function toColour(raw: Raw): Raw {
  if (raw.channels !== 1 && raw.channels !== 2) return raw;
  const alpha = raw.channels === 2;
  const out = Buffer.allocUnsafe(raw.width * raw.height * (alpha ? 4 : 3));
  for (let i = 0, o = 0; i < raw.data.length; i += raw.channels) {
    const v = raw.data[i] ?? 0;
    out[o++] = v;
    out[o++] = v;
    out[o++] = v;
    if (alpha) out[o++] = raw.data[i + 1] ?? 255;
  }
  return { data: out, width: raw.width, height: raw.height, channels: alpha ? 4 : 3 };
}
