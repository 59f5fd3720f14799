import "server-only";
import type { FitEnum, Kernel, OverlayOptions, Region, Sharp } from "sharp";

// The operations one sharp pipeline can run, in the fixed order libvips runs them (sharp applies
// each at most once per pipeline, at its own place: see sharp's src/pipeline.cc). The planner in
// pipeline.ts packs the user's steps into as few pipelines as keep the user's order.

export type Op =
  | { t: "orient" } // sharp's autoOrient: only the first op of the first pipeline
  | { t: "extract"; box: Region }
  | { t: "greyscale" }
  | {
      t: "resize";
      width: number | null;
      height: number | null;
      fit: keyof FitEnum;
      withoutEnlargement: boolean;
      kernel?: "nearest";
    }
  | { t: "flip" }
  | { t: "flop" }
  | { t: "rotate"; angle: number; background: string }
  | { t: "extractPost"; box: Region } // after a resize in the same pipeline (pixelate)
  | { t: "threshold"; value: number }
  | { t: "blur"; sigma: number }
  | { t: "convolve"; kernel: Kernel }
  | {
      t: "recomb";
      matrix: [[number, number, number], [number, number, number], [number, number, number]];
    }
  | { t: "modulate"; brightness: number; saturation: number; hue: number }
  | { t: "sharpen"; sigma: number }
  | { t: "composite"; overlays: OverlayOptions[] }
  | { t: "gamma"; value: number }
  | { t: "linear"; a: number; b: number }
  | { t: "normalise" }
  | { t: "clahe"; width: number; height: number; maxSlope: number }
  | { t: "tint"; color: string }
  | { t: "negate" };

export type OpKind = Op["t"];

const ORDER: readonly OpKind[] = [
  "orient",
  "extract",
  "greyscale",
  "resize",
  "flip",
  "flop",
  "rotate",
  "extractPost",
  "threshold",
  "blur",
  "convolve",
  "recomb",
  "modulate",
  "sharpen",
  "composite",
  "gamma",
  "linear",
  "normalise",
  "clahe",
  "tint",
  "negate",
];
const RANK = new Map(ORDER.map((k, i) => [k, i]));
export const rank = (op: Op): number => RANK.get(op.t) ?? 0;

const quarterTurn = (op: Op) => op.t === "rotate" && op.angle % 90 === 0;
/** Moves pixels without changing any: the result of a per-pixel op is the same before or after. */
const permutes = (op: Op) =>
  op.t === "flip" || op.t === "flop" || quarterTurn(op) || op.t === "extract";
/** Per-pixel and continuous: swapping with a resize changes the result by rounding only. */
const SMOOTH_POINT = new Set<OpKind>([
  "greyscale",
  "recomb",
  "modulate",
  "gamma",
  "linear",
  "tint",
  "negate",
]);
const POINT = new Set<OpKind>([...SMOOTH_POINT, "threshold"]);
/**
 * What sharp's greyscale may be moved before (it runs before the resize, on one band, which is
 * also why it is fast). Each of these gives the same grey image either way, up to rounding.
 */
const GREY_SWAPS = new Set<OpKind>([
  "resize",
  "flip",
  "flop",
  "extractPost",
  "threshold",
  "blur",
  "convolve",
  "modulate",
  "sharpen",
  "gamma",
  "linear",
]);

/**
 * Whether `later` (a step after `earlier` in the chain) may run before `earlier`, which is what
 * sharp does when `later` has the lower rank. Anything not listed here keeps its order, at the
 * price of another pipeline.
 */
export function commutes(later: Op, earlier: Op): boolean {
  if (later.t === "greyscale") {
    return GREY_SWAPS.has(earlier.t) || quarterTurn(earlier);
  }
  if (later.t === "flip" || later.t === "flop") {
    if (earlier.t === "flip" || earlier.t === "flop") return true;
  }
  if (permutes(later)) {
    if (POINT.has(earlier.t)) return true;
    if (later.t !== "extract" && ["blur", "sharpen", "normalise"].includes(earlier.t)) return true;
    return false;
  }
  if (later.t === "resize" && later.fit !== "contain") {
    // contain pads with a background colour that a per-pixel op would otherwise have changed.
    if (earlier.t === "flip" || earlier.t === "flop") return true;
    return SMOOTH_POINT.has(earlier.t);
  }
  return false;
}

/** After sharp's greyscale the pipeline ends as one band: these would lose their colour. */
export const NEEDS_COLOUR = (op: Op) =>
  op.t === "tint" ||
  op.t === "recomb" ||
  op.t === "composite" ||
  (op.t === "rotate" && !quarterTurn(op));

export const SEPIA: [[number, number, number], [number, number, number], [number, number, number]] =
  [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
  ];
export const EDGE_DETECT: Kernel = {
  width: 3,
  height: 3,
  kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1],
};
export const EMBOSS: Kernel = { width: 3, height: 3, kernel: [-2, -1, 0, -1, 1, 1, 0, 1, 2] };

/** The flips and turns that EXIF orientation `o` stands for, as ops of this planner. */
export function orientationOps(o: number): Op[] {
  const turn = (angle: number): Op => ({ t: "rotate", angle, background: "#000000" });
  switch (o) {
    case 2:
      return [{ t: "flop" }];
    case 3:
      return [turn(180)];
    case 4:
      return [{ t: "flip" }];
    case 5:
      return [{ t: "flip" }, turn(90)];
    case 6:
      return [turn(90)];
    case 7:
      return [{ t: "flop" }, turn(90)];
    case 8:
      return [turn(270)];
    default:
      return [];
  }
}

/** Adds one op to a sharp pipeline. Ops must be applied in rank order (extract before resize). */
export function applyOp(s: Sharp, op: Op): Sharp {
  switch (op.t) {
    case "orient":
      return s.autoOrient();
    case "extract":
    case "extractPost":
      return s.extract(op.box);
    case "greyscale":
      return s.greyscale();
    case "resize":
      return s.resize({
        width: op.width ?? undefined,
        height: op.height ?? undefined,
        fit: op.fit,
        withoutEnlargement: op.withoutEnlargement,
        ...(op.kernel ? { kernel: op.kernel } : {}),
      });
    case "flip":
      return s.flip();
    case "flop":
      return s.flop();
    case "rotate":
      return s.rotate(op.angle, { background: op.background });
    case "threshold":
      return s.threshold(op.value);
    case "blur":
      return s.blur(op.sigma);
    case "convolve":
      return s.convolve(op.kernel);
    case "recomb":
      return s.recomb(op.matrix);
    case "modulate":
      return s.modulate({ brightness: op.brightness, saturation: op.saturation, hue: op.hue });
    case "sharpen":
      return s.sharpen({ sigma: op.sigma });
    case "composite":
      return s.composite(op.overlays);
    case "gamma":
      // sharp's gamma(g) darkens before the resize and brightens after it (for resizing in
      // linear light), which nets to nothing. gamma(1, g) is the visible adjustment: x^(1/g).
      return s.gamma(1, op.value);
    case "linear":
      return s.linear(op.a, op.b);
    case "normalise":
      return s.normalise();
    case "clahe":
      return s.clahe({ width: op.width, height: op.height, maxSlope: op.maxSlope });
    case "tint":
      return s.tint(op.color);
    case "negate":
      return s.negate({ alpha: false });
  }
}

export type Size = { width: number; height: number };

/** The size after a resize, as sharp computes it, up to rounding. */
export function resizedSize(from: Size, op: Extract<Op, { t: "resize" }>): Size {
  const { width: W, height: H } = from;
  let w = op.width;
  let h = op.height;
  if (w === null && h === null) return from;
  if (w === null) w = (W * (h as number)) / H;
  else if (h === null) h = (H * w) / W;
  else if (op.fit === "inside" || op.fit === "outside") {
    const pick = op.fit === "inside" ? Math.min : Math.max;
    const f = pick(w / W, (h as number) / H);
    w = W * f;
    h = H * f;
  }
  let out = { width: Math.max(1, Math.round(w)), height: Math.max(1, Math.round(h as number)) };
  if (op.withoutEnlargement && (out.width > W || out.height > H)) {
    const f = Math.min(W / out.width, H / out.height);
    out =
      op.fit === "fill" || op.fit === "cover" || op.fit === "contain"
        ? { width: Math.min(out.width, W), height: Math.min(out.height, H) }
        : { width: Math.round(out.width * f), height: Math.round(out.height * f) };
  }
  return out;
}

/** Whether sharp gives exactly op.width × op.height, so later steps can rely on the size. */
export function resizeIsExact(op: Extract<Op, { t: "resize" }>): boolean {
  return (
    op.width !== null &&
    op.height !== null &&
    !op.withoutEnlargement &&
    (op.fit === "fill" || op.fit === "cover" || op.fit === "contain")
  );
}

/** Bounding box of an image turned by `angle` degrees. */
export function rotatedSize(from: Size, angle: number): Size {
  const r = (angle * Math.PI) / 180;
  const c = Math.abs(Math.cos(r));
  const s = Math.abs(Math.sin(r));
  return {
    width: Math.round(from.width * c + from.height * s),
    height: Math.round(from.width * s + from.height * c),
  };
}
