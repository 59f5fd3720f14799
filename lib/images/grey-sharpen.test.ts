import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { gaussMask, sharpenGrey } from "./grey-sharpen";

// sharpenGrey must give sharp's own sharpen({ sigma }) on a grey image, within rounding.

async function greyImage(width: number, height: number) {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Gradients, hard edges, a dark and a light corner, and some texture.
      const edge = (x > width / 3 && x < (2 * width) / 3) !== y > height / 2 ? 70 : 0;
      data[y * width + x] = Math.min(255, Math.round((x / width) * 160 + edge + ((x * y) % 23)));
    }
  }
  return data;
}

describe("sharpenGrey", () => {
  it("builds libvips' integer Gaussian", () => {
    expect([...gaussMask(1)]).toEqual([3, 12, 20, 12, 3]);
    expect([...gaussMask(0.5)]).toEqual([3, 20, 3]);
  });

  for (const sigma of [0.5, 1, 2, 6]) {
    it(`matches sharp's sharpen({ sigma: ${sigma} }) on a grey image within two levels`, async () => {
      const [width, height] = [241, 133];
      const grey = await greyImage(width, height);
      const ref = await sharp(grey, { raw: { width, height, channels: 1 } })
        .toColourspace("b-w")
        .png()
        .toBuffer()
        .then((png) =>
          // sharp's order: greyscale first, then sharpen (in Lab), then grey again on output.
          sharp(png).sharpen({ sigma }).greyscale().raw().toBuffer({ resolveWithObject: true }),
        );
      expect(ref.info.channels).toBe(1);
      const mine = sharpenGrey(grey, width, height, sigma);
      let max = 0;
      let sum = 0;
      let changed = 0;
      for (let i = 0; i < mine.length; i++) {
        const d = Math.abs((mine[i] ?? 0) - (ref.data[i] ?? 0));
        max = Math.max(max, d);
        sum += d;
        if (mine[i] !== grey[i]) changed++;
      }
      expect(max).toBeLessThanOrEqual(2);
      expect(sum / mine.length).toBeLessThan(0.3);
      // It sharpened: many pixels moved.
      expect(changed).toBeGreaterThan(mine.length / 10);
    });
  }

  it("leaves a flat image as it was, and its input untouched", () => {
    const flat = Buffer.alloc(50 * 40, 117);
    const out = sharpenGrey(flat, 50, 40, 1);
    expect(out.every((v) => v === 117)).toBe(true);
    expect(flat.every((v) => v === 117)).toBe(true);
  });
});
