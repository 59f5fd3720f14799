import {
  GRAVITIES,
  MAX_DIMENSION,
  type ChainStep,
  type OutputOptions,
  type StepKind,
} from "./chain";

// What the editor needs to know about each step: its name, where it sits in the "add a filter"
// menu, the settings a new step starts with and the slider range of every number. No server
// imports: the editor and the thumbnail route both build steps from here.

export const STEP_GROUPS = ["Geometry", "Light & colour", "Effects", "Watermark"] as const;
export type StepGroup = (typeof STEP_GROUPS)[number];

export type StepOf<K extends StepKind> = Extract<ChainStep, { kind: K }>;

/** A numeric setting and its slider. `key` is the field of the step it edits. */
export type NumberParam = {
  key: string;
  label: string;
  min: number;
  max: number;
  step: number;
  /** Shown after the value: "°", "px", "%"… Fractions (0–1) use "%" and are shown ×100. */
  unit?: string;
  /** resize.width / resize.height: null means "keep the aspect ratio from the other side". */
  nullable?: boolean;
};

/** A setting with fixed choices (resize fit, watermark position). */
export type ChoiceParam = {
  key: string;
  label: string;
  options: readonly { value: string; label: string }[];
};

export type StepInfo = {
  kind: StepKind;
  label: string;
  group: StepGroup;
  description: string;
  numbers: readonly NumberParam[];
  choices: readonly ChoiceParam[];
  /** Settings that are colours ("#rrggbb"). */
  colors: readonly { key: string; label: string }[];
  /** Settings that are free text (the text watermark). */
  texts: readonly { key: string; label: string }[];
  /** imageWatermark: the step is only valid once the user picked an image from their Drive. */
  needsDriveImage?: boolean;
};

const GRAVITY_LABELS: Record<(typeof GRAVITIES)[number], string> = {
  northwest: "Top left",
  north: "Top",
  northeast: "Top right",
  west: "Left",
  centre: "Centre",
  east: "Right",
  southwest: "Bottom left",
  south: "Bottom",
  southeast: "Bottom right",
};
const gravityChoice: ChoiceParam = {
  key: "gravity",
  label: "Position",
  options: GRAVITIES.map((g) => ({ value: g, label: GRAVITY_LABELS[g] })),
};

const fraction = (key: string, label: string, min = 0): NumberParam => ({
  key,
  label,
  min,
  max: 1,
  step: 0.01,
  unit: "%",
});
const factor = (label: string): NumberParam => ({
  key: "value",
  label,
  min: 0,
  max: 3,
  step: 0.01,
  unit: "×",
});

type Info = Omit<StepInfo, "kind" | "numbers" | "choices" | "colors" | "texts"> &
  Partial<Pick<StepInfo, "numbers" | "choices" | "colors" | "texts">>;

const INFO: { [K in StepKind]: Info } = {
  autoOrient: {
    label: "Auto-orient",
    group: "Geometry",
    description: "Turns the image upright using the camera's orientation tag.",
  },
  resize: {
    label: "Resize",
    group: "Geometry",
    description: "Scales to a width and/or height.",
    numbers: [
      {
        key: "width",
        label: "Width",
        min: 1,
        max: MAX_DIMENSION,
        step: 1,
        unit: "px",
        nullable: true,
      },
      {
        key: "height",
        label: "Height",
        min: 1,
        max: MAX_DIMENSION,
        step: 1,
        unit: "px",
        nullable: true,
      },
    ],
    choices: [
      {
        key: "fit",
        label: "Fit",
        options: [
          { value: "inside", label: "Fit inside" },
          { value: "outside", label: "Cover the box (no crop)" },
          { value: "cover", label: "Fill the box, crop the rest" },
          { value: "contain", label: "Fit inside, pad to the box" },
          { value: "fill", label: "Stretch to the box" },
        ],
      },
    ],
  },
  crop: {
    label: "Crop",
    group: "Geometry",
    description: "Keeps a rectangle of the image.",
    numbers: [
      fraction("left", "Left"),
      fraction("top", "Top"),
      fraction("width", "Width", 0.001),
      fraction("height", "Height", 0.001),
    ],
  },
  rotate: {
    label: "Rotate",
    group: "Geometry",
    description: "Turns the image; angles off 90° steps fill the corners with the background.",
    numbers: [{ key: "angle", label: "Angle", min: -360, max: 360, step: 1, unit: "°" }],
    colors: [{ key: "background", label: "Background" }],
  },
  flip: { label: "Flip", group: "Geometry", description: "Mirrors top to bottom." },
  flop: { label: "Flop", group: "Geometry", description: "Mirrors left to right." },
  brightness: {
    label: "Brightness",
    group: "Light & colour",
    description: "1× leaves the image unchanged.",
    numbers: [factor("Brightness")],
  },
  contrast: {
    label: "Contrast",
    group: "Light & colour",
    description: "1× leaves the image unchanged.",
    numbers: [factor("Contrast")],
  },
  saturation: {
    label: "Saturation",
    group: "Light & colour",
    description: "0× is grey, 1× unchanged.",
    numbers: [factor("Saturation")],
  },
  hue: {
    label: "Hue",
    group: "Light & colour",
    description: "Turns every colour around the colour wheel.",
    numbers: [{ key: "degrees", label: "Hue shift", min: -180, max: 180, step: 1, unit: "°" }],
  },
  gamma: {
    label: "Gamma",
    group: "Light & colour",
    description: "Brightens the mid-tones.",
    numbers: [{ key: "value", label: "Gamma", min: 1, max: 3, step: 0.05 }],
  },
  grayscale: { label: "Grayscale", group: "Light & colour", description: "Removes all colour." },
  sepia: { label: "Sepia", group: "Light & colour", description: "Warm brown old-photo tones." },
  invert: { label: "Invert", group: "Light & colour", description: "A negative of the image." },
  normalize: {
    label: "Normalise",
    group: "Light & colour",
    description: "Stretches the tones to use the full range.",
  },
  clahe: {
    label: "Local contrast (CLAHE)",
    group: "Light & colour",
    description: "Evens out light and shadow region by region.",
    numbers: [
      { key: "width", label: "Region width", min: 1, max: 1024, step: 1, unit: "px" },
      { key: "height", label: "Region height", min: 1, max: 1024, step: 1, unit: "px" },
      { key: "maxSlope", label: "Strength", min: 0, max: 100, step: 1 },
    ],
  },
  tint: {
    label: "Tint",
    group: "Light & colour",
    description: "Colours the image with one hue, keeping its light and shade.",
    colors: [{ key: "color", label: "Colour" }],
  },
  blur: {
    label: "Blur",
    group: "Effects",
    description: "Gaussian blur.",
    numbers: [{ key: "sigma", label: "Radius", min: 0.3, max: 100, step: 0.1, unit: "px" }],
  },
  sharpen: {
    label: "Sharpen",
    group: "Effects",
    description: "Crisper edges.",
    numbers: [{ key: "sigma", label: "Radius", min: 0.01, max: 10, step: 0.01, unit: "px" }],
  },
  edgeDetect: { label: "Edge detect", group: "Effects", description: "Outlines on black." },
  emboss: { label: "Emboss", group: "Effects", description: "A raised relief look." },
  pixelate: {
    label: "Pixelate",
    group: "Effects",
    description: "Large square blocks.",
    numbers: [{ key: "size", label: "Block size", min: 2, max: 256, step: 1, unit: "px" }],
  },
  posterize: {
    label: "Posterize",
    group: "Effects",
    description: "Few flat tones per colour channel.",
    numbers: [{ key: "levels", label: "Levels", min: 2, max: 64, step: 1 }],
  },
  threshold: {
    label: "Threshold",
    group: "Effects",
    description: "Black and white only.",
    numbers: [{ key: "value", label: "Threshold", min: 0, max: 255, step: 1 }],
  },
  textWatermark: {
    label: "Text watermark",
    group: "Watermark",
    description: "Your text over the image.",
    texts: [{ key: "text", label: "Text" }],
    // Size is the text height as a fraction of the image's shorter side.
    numbers: [{ ...fraction("size", "Size", 0.01), max: 0.5 }, fraction("opacity", "Opacity")],
    choices: [gravityChoice],
    colors: [{ key: "color", label: "Colour" }],
  },
  imageWatermark: {
    label: "Image watermark",
    group: "Watermark",
    description: "An image from your Drive over the image (a logo, a signature).",
    // Size is the watermark's width as a fraction of the image's width.
    numbers: [fraction("size", "Size", 0.01), fraction("opacity", "Opacity")],
    choices: [gravityChoice],
    needsDriveImage: true,
  },
};

export const STEP_KINDS = Object.keys(INFO) as StepKind[];

export const STEP_CATALOG: { readonly [K in StepKind]: StepInfo } = Object.fromEntries(
  STEP_KINDS.map((kind) => [
    kind,
    { kind, numbers: [], choices: [], colors: [], texts: [], ...INFO[kind] },
  ]),
) as { [K in StepKind]: StepInfo };

export function stepInfo(kind: StepKind): StepInfo {
  return STEP_CATALOG[kind];
}

/** The steps of one group, in menu order. */
export function stepsInGroup(group: StepGroup): StepInfo[] {
  return STEP_KINDS.filter((k) => STEP_CATALOG[k].group === group).map((k) => STEP_CATALOG[k]);
}

/**
 * A fresh id for a step: React keys and undo history follow it through reorders. Not a secret;
 * getRandomValues works in the browser over plain http too, unlike randomUUID.
 */
export function newStepId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

// Defaults show a visible change, so a filter thumbnail is worth looking at.
type Settings<K extends StepKind> = Omit<StepOf<K>, "id" | "enabled" | "kind">;
const DEFAULTS: { [K in StepKind]: Settings<K> } = {
  autoOrient: {},
  resize: { width: 1920, height: null, fit: "inside", withoutEnlargement: true },
  crop: { left: 0.1, top: 0.1, width: 0.8, height: 0.8 },
  rotate: { angle: 90, background: "#000000" },
  flip: {},
  flop: {},
  brightness: { value: 1.3 },
  contrast: { value: 1.4 },
  saturation: { value: 1.6 },
  hue: { degrees: 90 },
  gamma: { value: 2.2 },
  grayscale: {},
  sepia: {},
  invert: {},
  blur: { sigma: 3 },
  sharpen: { sigma: 1.5 },
  edgeDetect: {},
  emboss: {},
  pixelate: { size: 16 },
  posterize: { levels: 4 },
  threshold: { value: 128 },
  normalize: {},
  clahe: { width: 64, height: 64, maxSlope: 3 },
  tint: { color: "#c08040" },
  textWatermark: {
    text: "© Stratus",
    gravity: "southeast",
    size: 0.06,
    opacity: 0.7,
    color: "#ffffff",
  },
  // fileId "" does not parse: the editor asks for a Drive image (needsDriveImage) before adding it.
  imageWatermark: { fileId: "", gravity: "southeast", size: 0.25, opacity: 0.6 },
};

/**
 * A new, enabled step of `kind` with its default settings and a fresh id. Every kind parses with
 * ChainStep except imageWatermark, which needs `{ fileId }` in `overrides`.
 */
export function defaultStep<K extends StepKind>(
  kind: K,
  overrides: Partial<Settings<K>> = {},
): StepOf<K> {
  const step = { id: newStepId(), enabled: true, kind, ...DEFAULTS[kind], ...overrides };
  return step as unknown as StepOf<K>;
}

export const DEFAULT_OUTPUT: OutputOptions = { format: "jpeg", quality: 85, keepMetadata: false };

export const OUTPUT_FORMATS = [
  { value: "jpeg", label: "JPEG", extension: "jpg", mime: "image/jpeg" },
  { value: "png", label: "PNG", extension: "png", mime: "image/png" },
  { value: "webp", label: "WebP", extension: "webp", mime: "image/webp" },
  { value: "avif", label: "AVIF", extension: "avif", mime: "image/avif" },
] as const satisfies readonly {
  value: OutputOptions["format"];
  label: string;
  extension: string;
  mime: string;
}[];
