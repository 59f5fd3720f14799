import { Readable } from "node:stream";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { defaultStep, type StepOf } from "./catalog";
import { ChainStep, type OutputOptions, type StepKind } from "./chain";
import { ImageInputError } from "./errors";
import { renderChain, type RawImage, type RenderOptions } from "./pipeline";

// Every filter on small generated images, with assertions on pixels. Inputs are PNG (lossless)
// unless a test is about JPEG; outputs are PNG so the pixels are exactly what the chain made.

type RGB = [number, number, number];
type Pixels = { data: Buffer; width: number; height: number; channels: number };

const PNG: OutputOptions = { format: "png", quality: 80, keepMetadata: false };

function step<K extends StepKind>(kind: K, settings: Partial<Omit<StepOf<K>, "kind">> = {}) {
  return ChainStep.parse(defaultStep(kind, settings as never)) as StepOf<K>;
}

async function image(width: number, height: number, color: (x: number, y: number) => RGB) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(color(x, y), (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

const solid = (width: number, height: number, c: RGB) => image(width, height, () => c);

/** Decoded to 8-bit sRGB with three channels (grey results too), alpha removed. */
async function decode(buf: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(buf)
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels === 1) {
    const rgb = Buffer.alloc(info.width * info.height * 3);
    for (let i = 0; i < data.length; i++) rgb.fill(data[i] ?? 0, i * 3, i * 3 + 3);
    return { data: rgb, width: info.width, height: info.height, channels: 3 };
  }
  return { data, width: info.width, height: info.height, channels: info.channels };
}

const at = (p: Pixels, x: number, y: number): RGB => {
  const i = (y * p.width + x) * p.channels;
  return [p.data[i] ?? -1, p.data[i + 1] ?? -1, p.data[i + 2] ?? -1];
};

async function render(
  input: Buffer | RawImage,
  chain: ChainStep[],
  output: OutputOptions = PNG,
  opts?: RenderOptions,
) {
  const out = await renderChain(input, chain, output, opts);
  return { ...out, pixels: await decode(out.data) };
}

const near = (a: number, b: number, tolerance = 2) => Math.abs(a - b) <= tolerance;

// A 60 × 40 image: left half red, right half blue, a white pixel at (0,0) and green at (59,39).
const marked = () =>
  image(60, 40, (x, y) =>
    x === 0 && y === 0
      ? [255, 255, 255]
      : x === 59 && y === 39
        ? [0, 255, 0]
        : x < 30
          ? [200, 0, 0]
          : [0, 0, 200],
  );

describe("geometry", () => {
  it("flip mirrors top to bottom, flop left to right", async () => {
    const flipped = await render(await marked(), [step("flip")]);
    expect(at(flipped.pixels, 0, 39)).toEqual([255, 255, 255]);
    expect(at(flipped.pixels, 0, 0)).toEqual([200, 0, 0]);
    const flopped = await render(await marked(), [step("flop")]);
    expect(at(flopped.pixels, 59, 0)).toEqual([255, 255, 255]);
    expect(at(flopped.pixels, 0, 39)).toEqual([0, 255, 0]);
    expect(at(flopped.pixels, 5, 5)).toEqual([0, 0, 200]);
  });

  it.each([
    ["cover", 50, 50],
    ["contain", 50, 50],
    ["fill", 50, 50],
    ["inside", 50, 25],
    ["outside", 100, 50],
  ] as const)("resize with fit %s gives %i × %i", async (fit, w, h) => {
    const src = await solid(200, 100, [10, 120, 230]);
    const out = await render(src, [
      step("resize", { width: 50, height: 50, fit, withoutEnlargement: true }),
    ]);
    expect([out.info.width, out.info.height]).toEqual([w, h]);
  });

  it("resizes to one side keeping the aspect ratio, and does not enlarge unless asked", async () => {
    const src = await solid(200, 100, [10, 120, 230]);
    const byWidth = await render(src, [step("resize", { width: 80, height: null, fit: "inside" })]);
    expect([byWidth.info.width, byWidth.info.height]).toEqual([80, 40]);
    const kept = await render(src, [step("resize", { width: 400, height: null })]);
    expect([kept.info.width, kept.info.height]).toEqual([200, 100]);
    const enlarged = await render(src, [
      step("resize", { width: 400, height: null, withoutEnlargement: false }),
    ]);
    expect([enlarged.info.width, enlarged.info.height]).toEqual([400, 200]);
  });

  it("crops the region given as fractions of the current size", async () => {
    // Quadrants: red, green / blue, white.
    const src = await image(100, 60, (x, y) =>
      y < 30 ? (x < 50 ? [255, 0, 0] : [0, 255, 0]) : x < 50 ? [0, 0, 255] : [255, 255, 255],
    );
    const out = await render(src, [step("crop", { left: 0.5, top: 0, width: 0.5, height: 0.5 })]);
    expect([out.info.width, out.info.height]).toEqual([50, 30]);
    expect(at(out.pixels, 0, 0)).toEqual([0, 255, 0]);
    expect(at(out.pixels, 49, 29)).toEqual([0, 255, 0]);
    // After a resize the fractions apply to the resized image.
    const later = await render(src, [
      step("resize", { width: 50, height: null }),
      step("crop", { left: 0, top: 0.5, width: 0.5, height: 0.5 }),
    ]);
    expect([later.info.width, later.info.height]).toEqual([25, 15]);
    expect(at(later.pixels, 12, 7)).toEqual([0, 0, 255]);
  });

  it("rotates by 90° steps (swapping width and height) and by free angles", async () => {
    const src = await marked();
    const quarter = await render(src, [step("rotate", { angle: 90 })]);
    expect([quarter.info.width, quarter.info.height]).toEqual([40, 60]);
    // Clockwise: the top-left corner goes to the top-right.
    expect(at(quarter.pixels, 39, 0)).toEqual([255, 255, 255]);
    const back = await render(src, [step("rotate", { angle: -270 })]);
    expect(at(back.pixels, 39, 0)).toEqual([255, 255, 255]);
    const tilted = await render(await solid(100, 100, [0, 0, 255]), [
      step("rotate", { angle: 45, background: "#ff0000" }),
    ]);
    expect(tilted.info.width).toBeGreaterThan(140);
    expect(at(tilted.pixels, 0, 0)).toEqual([255, 0, 0]);
    expect(at(tilted.pixels, 70, 70)).toEqual([0, 0, 255]);
  });

  it("keeps the user's order when sharp's own order differs", async () => {
    const src = await solid(200, 100, [50, 50, 50]);
    // sharp resizes before it rotates: the planner must rotate first here.
    const out = await render(src, [
      step("rotate", { angle: 90 }),
      step("resize", { width: 30, height: 20, fit: "fill", withoutEnlargement: false }),
    ]);
    expect([out.info.width, out.info.height]).toEqual([30, 20]);
    const other = await render(src, [
      step("resize", { width: 30, height: 20, fit: "fill", withoutEnlargement: false }),
      step("rotate", { angle: 90 }),
    ]);
    expect([other.info.width, other.info.height]).toEqual([20, 30]);
    // Invert then tint (sharp: tint then negate) must tint the inverted image.
    const grey = await solid(10, 10, [200, 200, 200]);
    const tinted = await render(grey, [step("invert"), step("tint", { color: "#ff0000" })]);
    const [r, g, b] = at(tinted.pixels, 5, 5);
    expect(r).toBeGreaterThan(g + 10);
    expect(r).toBeGreaterThan(b + 10);
  });

  it("runs the bench chain (orient, resize, sharpen, grayscale) as one sharp pipeline", async () => {
    const src = await image(400, 300, (x, y) => [x % 256, y % 256, (x + y) % 256]);
    const stats = { pipelines: 0 };
    const out = await render(
      src,
      [
        step("autoOrient"),
        step("resize", { width: 200, height: null }),
        step("sharpen", { sigma: 1 }),
        step("grayscale"),
      ],
      { format: "jpeg", quality: 80, keepMetadata: false },
      { stats },
    );
    expect(stats.pipelines).toBe(1);
    expect([out.info.width, out.info.height, out.info.format]).toEqual([200, 150, "jpeg"]);
  });
});

describe("auto-orient", () => {
  // Upright: a white square at the top left. Stored: turned so that EXIF `orientation` turns it
  // back (the inverse of each orientation's transform), as a camera would have written it.
  const stored = async (orientation: number) => {
    const upright = await image(60, 40, (x, y) =>
      x < 10 && y < 10 ? [255, 255, 255] : x >= 50 && y >= 30 ? [0, 255, 0] : [200, 0, 0],
    );
    const s = sharp(upright);
    if (orientation === 2) s.flop();
    if (orientation === 3) s.rotate(180);
    if (orientation === 4) s.flip();
    if (orientation === 5) s.flip().rotate(90);
    if (orientation === 6) s.rotate(270);
    if (orientation === 7) s.flop().rotate(90);
    if (orientation === 8) s.rotate(90);
    return s
      .withMetadata({ orientation })
      .jpeg({ quality: 100, chromaSubsampling: "4:4:4" })
      .toBuffer();
  };

  it.each([2, 3, 4, 5, 6, 7, 8])(
    "orientation %i: turns the image upright, by sharp or by hand alike",
    async (orientation) => {
      const jpeg = await stored(orientation);
      const native = await render(jpeg, [step("autoOrient")]);
      expect([native.info.width, native.info.height]).toEqual([60, 40]);
      expect(Math.min(...at(native.pixels, 3, 3))).toBeGreaterThan(230);
      expect(at(native.pixels, 55, 35)[1]).toBeGreaterThan(230);
      // The same pixels as raw input with the tag beside them: autoOrient is done by hand.
      const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      const raw: RawImage = {
        data,
        raw: { width: info.width, height: info.height, channels: 3 },
        orientation,
      };
      const byHand = await render(raw, [step("autoOrient")]);
      expect(byHand.pixels.data.equals(native.pixels.data)).toBe(true);
      // After another step, sharp's own autoOrient (which always runs first) cannot be used.
      const later = await render(jpeg, [step("invert"), step("autoOrient"), step("flop")]);
      expect(Math.max(...at(later.pixels, 56, 3))).toBeLessThan(25);
    },
  );

  it("without the step, the stored pixels are left as they are", async () => {
    const out = await render(await stored(6), []);
    expect([out.info.width, out.info.height]).toEqual([40, 60]);
  });
});

describe("light and colour", () => {
  const colourful = () => image(32, 32, (x, y) => [x * 8, y * 8, 255 - x * 4]);

  it("grayscale makes all three channels equal, and a later tint adds colour again", async () => {
    const out = await render(await colourful(), [step("grayscale")]);
    const values = new Set<number>();
    for (let i = 0; i < out.pixels.data.length; i += 3) {
      const [r, g, b] = [out.pixels.data[i], out.pixels.data[i + 1], out.pixels.data[i + 2]];
      expect(r).toBe(g);
      expect(g).toBe(b);
      values.add(r ?? 0);
    }
    expect(values.size).toBeGreaterThan(20);
    const tinted = await render(await colourful(), [
      step("grayscale"),
      step("tint", { color: "#ff8000" }),
    ]);
    const [r, , b] = at(tinted.pixels, 16, 16);
    expect(r).toBeGreaterThan(b + 20);
  });

  it("invert turns each channel v into 255 − v", async () => {
    const out = await render(await solid(4, 4, [10, 20, 30]), [step("invert")]);
    expect(at(out.pixels, 2, 2)).toEqual([245, 235, 225]);
  });

  it("brightness, contrast, saturation, hue and gamma move the pixels the right way", async () => {
    const grey = await solid(8, 8, [100, 100, 100]);
    const [bright] = at((await render(grey, [step("brightness", { value: 1.5 })])).pixels, 4, 4);
    expect(bright).toBeGreaterThan(130);
    const [dark] = at((await render(grey, [step("brightness", { value: 0.5 })])).pixels, 4, 4);
    expect(dark).toBeLessThan(70);

    const two = await image(8, 8, (x) => (x < 4 ? [100, 100, 100] : [160, 160, 160]));
    const contrasted = (await render(two, [step("contrast", { value: 2 })])).pixels;
    expect(at(contrasted, 0, 0)[0]).toBe(72); // 2·100 − 128
    expect(at(contrasted, 7, 0)[0]).toBe(192); // 2·160 − 128

    const red = await solid(8, 8, [200, 40, 40]);
    const flat = at((await render(red, [step("saturation", { value: 0 })])).pixels, 4, 4);
    expect(near(flat[0], flat[1]) && near(flat[1], flat[2])).toBe(true);
    const turned = at((await render(red, [step("hue", { degrees: 180 })])).pixels, 4, 4);
    expect(turned[1]).toBeGreaterThan(turned[0]);
    expect(turned[2]).toBeGreaterThan(turned[0]);

    const mid = at((await render(grey, [step("gamma", { value: 2 })])).pixels, 4, 4);
    // (100/255)^(1/2)·255 ≈ 160
    expect(near(mid[0], 160, 3)).toBe(true);
  });

  it("brightness steps in a row combine", async () => {
    const grey = await solid(8, 8, [100, 100, 100]);
    const twice = await render(grey, [
      step("brightness", { value: 1.2 }),
      step("brightness", { value: 1.2 }),
    ]);
    const once = await render(grey, [step("brightness", { value: 1.44 })]);
    expect(at(twice.pixels, 1, 1)).toEqual(at(once.pixels, 1, 1));
  });

  it("sepia gives warm browns, tint colours the image, normalise stretches the tones", async () => {
    const [r, g, b] = at(
      (await render(await solid(8, 8, [128, 128, 128]), [step("sepia")])).pixels,
      4,
      4,
    );
    expect(r).toBeGreaterThan(g);
    expect(g).toBeGreaterThan(b);

    const tinted = at(
      (await render(await solid(8, 8, [128, 128, 128]), [step("tint", { color: "#0000ff" })]))
        .pixels,
      4,
      4,
    );
    expect(tinted[2]).toBeGreaterThan(tinted[0] + 20);

    const dull = await image(64, 8, (x) => [100 + x, 100 + x, 100 + x]);
    const stretched = (await render(dull, [step("normalize")])).pixels;
    expect(at(stretched, 0, 0)[0]).toBeLessThan(20);
    expect(at(stretched, 63, 0)[0]).toBeGreaterThan(235);

    const clahe = (await render(dull, [step("clahe", { width: 8, height: 8, maxSlope: 5 })]))
      .pixels;
    expect(clahe.data.equals((await decode(dull)).data)).toBe(false);
  });
});

describe("effects", () => {
  // A vertical edge: black left, white right.
  const edge = () => image(40, 20, (x) => (x < 20 ? [0, 0, 0] : [255, 255, 255]));

  it("blur softens an edge and sharpen steepens one", async () => {
    const blurred = (await render(await edge(), [step("blur", { sigma: 3 })])).pixels;
    const [v] = at(blurred, 19, 10);
    expect(v).toBeGreaterThan(40);
    expect(v).toBeLessThan(215);
    // A soft step from 80 to 180: sharpening overshoots on both sides of it.
    const soft = await image(40, 20, (x) => {
      const v = x < 18 ? 80 : x > 22 ? 180 : 80 + (x - 18) * 20;
      return [v, v, v];
    });
    const sharpened = (await render(soft, [step("sharpen", { sigma: 2 })])).pixels;
    expect(at(sharpened, 17, 10)[0]).toBeLessThan(78);
    expect(at(sharpened, 23, 10)[0]).toBeGreaterThan(182);
    expect(at(sharpened, 2, 10)[0]).toBe(80);
  });

  it("edge detect is black on flat areas and bright on edges; emboss keeps flat areas", async () => {
    const edges = (await render(await edge(), [step("edgeDetect")])).pixels;
    expect(at(edges, 5, 10)).toEqual([0, 0, 0]);
    expect(at(edges, 35, 10)).toEqual([0, 0, 0]);
    expect(Math.max(at(edges, 19, 10)[0], at(edges, 20, 10)[0])).toBeGreaterThan(200);
    const grey = await image(40, 20, (x) => (x < 20 ? [80, 80, 80] : [180, 180, 180]));
    const embossed = (await render(grey, [step("emboss")])).pixels;
    expect(at(embossed, 5, 10)).toEqual([80, 80, 80]);
    expect(at(embossed, 19, 10)).not.toEqual([80, 80, 80]);
  });

  it("threshold leaves only black and white", async () => {
    const gradient = await image(256, 4, (x) => [x, x, x]);
    const out = (await render(gradient, [step("threshold", { value: 128 })])).pixels;
    const values = new Set(out.data);
    expect([...values].sort((a, b) => a - b)).toEqual([0, 255]);
    expect(at(out, 100, 1)[0]).toBe(0);
    expect(at(out, 200, 1)[0]).toBe(255);
    const white = (await render(gradient, [step("threshold", { value: 0 })])).pixels;
    expect([...new Set(white.data)]).toEqual([255]);
  });

  it("posterize leaves `levels` values per channel", async () => {
    const gradient = await image(256, 4, (x) => [x, 255 - x, (x * 7) % 256]);
    for (const levels of [2, 4, 5]) {
      const out = (await render(gradient, [step("posterize", { levels })])).pixels;
      for (let c = 0; c < 3; c++) {
        const values = new Set<number>();
        for (let i = c; i < out.data.length; i += 3) values.add(out.data[i] ?? -1);
        expect(values.size).toBe(levels);
        expect(values.has(0) && values.has(255)).toBe(true);
      }
    }
  });

  it("pixelate makes uniform blocks, cut at the edges", async () => {
    let seed = 7;
    const noise = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    const src = await image(70, 45, () => [noise(), noise(), noise()]);
    const out = (await render(src, [step("pixelate", { size: 8 })])).pixels;
    expect([out.width, out.height]).toEqual([70, 45]);
    for (let by = 0; by < 45; by += 8) {
      for (let bx = 0; bx < 70; bx += 8) {
        const first = at(out, bx, by);
        for (let y = by; y < Math.min(by + 8, 45); y++) {
          for (let x = bx; x < Math.min(bx + 8, 70); x++) expect(at(out, x, y)).toEqual(first);
        }
      }
    }
    expect(at(out, 0, 0)).not.toEqual(at(out, 8, 0));
  });
});

describe("watermarks", () => {
  const grey = () => solid(400, 300, [90, 90, 90]);
  const changed = (a: Pixels, b: Pixels, x0: number, y0: number, x1: number, y1: number) => {
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) if (at(a, x, y)[0] !== at(b, x, y)[0]) n++;
    }
    return n;
  };

  it("text goes into the corner it is placed in, and nowhere else", async () => {
    const before = await decode(await grey());
    const se = (
      await render(await grey(), [
        step("textWatermark", { text: "Stratus", gravity: "southeast", size: 0.1, opacity: 1 }),
      ])
    ).pixels;
    expect(changed(before, se, 200, 225, 400, 300)).toBeGreaterThan(200);
    expect(changed(before, se, 0, 0, 200, 150)).toBe(0);
    const nw = (
      await render(await grey(), [
        step("textWatermark", { text: "Stratus", gravity: "northwest", size: 0.1, opacity: 1 }),
      ])
    ).pixels;
    expect(changed(before, nw, 0, 0, 200, 75)).toBeGreaterThan(200);
    expect(changed(before, nw, 200, 150, 400, 300)).toBe(0);
  });

  it("escapes the text: markup is drawn as characters", async () => {
    const out = await render(await grey(), [
      step("textWatermark", { text: `</text><image href="file:///etc/passwd"/> & 'x' "y"` }),
    ]);
    expect(out.info.width).toBe(400);
    expect(changed(await decode(await grey()), out.pixels, 0, 0, 400, 300)).toBeGreaterThan(100);
  });

  it("an image watermark is loaded by file id, scaled, placed and made translucent", async () => {
    const loaded: string[] = [];
    const loadWatermark = async (id: string) => {
      loaded.push(id);
      return solid(50, 50, [255, 0, 0]);
    };
    const opaque = await render(
      await grey(),
      [step("imageWatermark", { fileId: "logo1", gravity: "northwest", size: 0.25, opacity: 1 })],
      PNG,
      { loadWatermark },
    );
    expect(loaded).toEqual(["logo1"]);
    // 25% of 400 px wide, 3% margin (9 px).
    expect(at(opaque.pixels, 9, 9)).toEqual([255, 0, 0]);
    expect(at(opaque.pixels, 108, 108)).toEqual([255, 0, 0]);
    expect(at(opaque.pixels, 115, 115)).toEqual([90, 90, 90]);
    const half = await render(
      await grey(),
      [step("imageWatermark", { fileId: "logo1", gravity: "southeast", opacity: 0.5 })],
      PNG,
      { loadWatermark },
    );
    const [r, g] = at(half.pixels, 380, 280);
    expect(near(r, 172, 3) && near(g, 45, 3)).toBe(true);
  });

  it("refuses an SVG watermark with a message", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>');
    const err = await renderChain(
      await grey(),
      [step("imageWatermark", { fileId: "logo1" })],
      PNG,
      { loadWatermark: async () => svg },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageInputError);
    expect((err as ImageInputError).reason).toBe("watermark");
    expect((err as Error).message).toMatch(/SVG/);
  });
});

describe("output and metadata", () => {
  const tagged = () =>
    sharp(Buffer.alloc(48 * 32 * 3, 120), { raw: { width: 48, height: 32, channels: 3 } })
      .withIccProfile("p3")
      .withExif({ IFD0: { Copyright: "Ada", Make: "Stratus Cam" } })
      .jpeg({ quality: 95 })
      .toBuffer();

  it.each(["jpeg", "png", "webp", "avif"] as const)("writes %s", async (format) => {
    const out = await renderChain(await solid(32, 24, [1, 2, 3]), [], {
      format,
      quality: 70,
      keepMetadata: false,
    });
    const meta = await sharp(out.data).metadata();
    expect(meta.format).toBe(format === "avif" ? "heif" : format);
    expect(out.info).toEqual({ width: 32, height: 24, format, size: out.data.length });
  });

  it("strips EXIF by default, keeps it when asked, and always keeps the colour profile", async () => {
    const input = await tagged();
    for (const chain of [
      [step("invert")],
      // posterize runs outside sharp: the metadata must survive the raw round trip as well.
      [step("resize", { width: 24, height: null }), step("posterize", { levels: 8 })],
    ]) {
      const stripped = await sharp(
        (await renderChain(input, chain, { format: "jpeg", quality: 90, keepMetadata: false }))
          .data,
      ).metadata();
      expect(stripped.exif).toBeUndefined();
      expect(stripped.icc?.length).toBeGreaterThan(100);
      const kept = await sharp(
        (await renderChain(input, chain, { format: "webp", quality: 90, keepMetadata: true })).data,
      ).metadata();
      expect(kept.exif?.toString("latin1")).toContain("Stratus Cam");
      expect(kept.icc?.length).toBeGreaterThan(100);
    }
  });

  it("keeps the pixels in the image's own colour space, with or without raw round trips", async () => {
    const input = await tagged();
    const own = async (buf: Buffer) => sharp(buf).keepIccProfile().raw().toBuffer();
    const source = await own(input);
    const direct = await own(
      (await renderChain(input, [], { format: "png", quality: 80, keepMetadata: false })).data,
    );
    expect(direct.equals(source)).toBe(true);
    const roundTrip = await own(
      (
        await renderChain(input, [step("posterize", { levels: 64 })], {
          format: "png",
          quality: 80,
          keepMetadata: false,
        })
      ).data,
    );
    // 120 is not on the 64-level grid: 121.43 rounds to 121.
    expect(roundTrip[0]).toBe(121);
  });

  it("adds no alpha channel to an opaque image, and keeps the one a transparent image has", async () => {
    const chain = [step("rotate", { angle: 30 }), step("textWatermark")];
    const opaque = await renderChain(await solid(60, 40, [9, 99, 199]), chain, PNG);
    expect((await sharp(opaque.data).metadata()).channels).toBe(3);
    const clear = await sharp({
      create: { width: 60, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const transparent = await renderChain(clear, chain, PNG);
    const meta = await sharp(transparent.data).metadata();
    expect(meta.channels).toBe(4);
    // JPEG has no alpha: transparent areas become white.
    const jpeg = await renderChain(clear, [], { format: "jpeg", quality: 90, keepMetadata: false });
    expect(at(await decode(jpeg.data), 30, 20).every((v) => v > 250)).toBe(true);
  });

  it("a disabled step changes nothing", async () => {
    const src = await marked();
    const without = await renderChain(src, [step("flip")], PNG);
    const withDisabled = await renderChain(
      src,
      [
        step("flip"),
        { ...step("grayscale"), enabled: false },
        { ...step("rotate"), enabled: false },
      ],
      PNG,
    );
    expect(withDisabled.data.equals(without.data)).toBe(true);
  });

  it("scales pixel sizes for a preview on a downscaled copy", async () => {
    const src = await solid(200, 100, [9, 9, 9]);
    const out = await renderChain(src, [step("resize", { width: 100, height: null })], PNG, {
      scale: 0.5,
    });
    expect([out.info.width, out.info.height]).toEqual([50, 25]);
  });

  it("reads a stream, and never writes to its input", async () => {
    const src = await marked();
    const copy = Buffer.from(src);
    const out = await renderChain(
      Readable.from([src.subarray(0, 100), src.subarray(100)]),
      [],
      PNG,
    );
    expect(out.info.width).toBe(60);
    const raw: RawImage = {
      data: Buffer.alloc(30 * 20 * 3, 77),
      raw: { width: 30, height: 20, channels: 3 },
    };
    await renderChain(raw, [step("posterize", { levels: 2 }), step("invert")], PNG);
    await renderChain(src, [step("posterize", { levels: 2 }), step("flip")], PNG);
    expect(raw.data.every((v) => v === 77)).toBe(true);
    expect(src.equals(copy)).toBe(true);
  });

  it("stops when the request is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      renderChain(await marked(), [step("flip")], PNG, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("refused inputs", () => {
  const refusal = async (input: Buffer | Readable, opts?: RenderOptions) => {
    const err = await renderChain(input, [step("flip")], PNG, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageInputError);
    return err as ImageInputError;
  };

  it("refuses a corrupt or truncated file with a message", async () => {
    let seed = 3;
    const noisy = Buffer.alloc(200 * 150 * 3);
    for (let i = 0; i < noisy.length; i++) noisy[i] = (seed = (seed * 69069 + 1) % 2 ** 32) >>> 24;
    const jpeg = await sharp(noisy, { raw: { width: 200, height: 150, channels: 3 } })
      .jpeg()
      .toBuffer();
    const truncated = await refusal(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    expect(truncated.reason).toBe("corrupt");
    expect(truncated.message).toMatch(/damaged or incomplete/);
    expect(truncated.status).toBe(422);
    const header = await refusal(jpeg.subarray(0, 40));
    expect(header.reason).toBe("corrupt");
    const garbage = await refusal(Buffer.from("this is not an image at all"));
    expect(garbage.reason).toBe("unsupported");
  });

  it("refuses SVG, even with a BOM or an XML prolog", async () => {
    for (const text of [
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
      '\uFEFF<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      const err = await refusal(Buffer.from(text));
      expect(err.reason).toBe("svg");
      expect(err.message).toMatch(/SVG images are not supported/);
    }
  });

  it("refuses images over the pixel or byte limit", async () => {
    const src = await solid(100, 100, [1, 2, 3]);
    const pixels = await refusal(src, { limits: { maxPixels: 9_999 } });
    expect(pixels.reason).toBe("too-many-pixels");
    expect(pixels.status).toBe(413);
    expect(pixels.message).toMatch(/100 × 100 pixels/);
    const bytes = await refusal(src, { limits: { maxBytes: 100 } });
    expect(bytes.reason).toBe("too-many-bytes");
    const streamed = await refusal(Readable.from([src.subarray(0, 80), src.subarray(80)]), {
      limits: { maxBytes: 100 },
    });
    expect(streamed.reason).toBe("too-many-bytes");
  });

  it("refuses a chain that would make an image over the pixel limit", async () => {
    const err = await renderChain(
      await solid(100, 100, [1, 2, 3]),
      [step("resize", { width: 2000, height: 2000, fit: "fill", withoutEnlargement: false })],
      PNG,
      { limits: { maxPixels: 1_000_000 } },
    ).catch((e: unknown) => e);
    expect((err as ImageInputError).reason).toBe("result-too-large");
  });
});
