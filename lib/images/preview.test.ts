import sharp from "sharp";
import { seedFileRow, updateFileRow } from "@/lib/drive/test-helpers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { newObjectKey } from "@/lib/storage/keys";
import { putDirect } from "@/lib/storage/test-helpers";
import { defaultStep } from "./catalog";
import { ChainStep, type Chain } from "./chain";
import { userSlots } from "@/lib/limits/user-slots";
import { pixelBudgetFor } from "./budget";
import {
  clearPreviewCaches,
  PREVIEW_LONG_SIDE,
  renderPreview,
  renderThumbnail,
  type PreviewOutcome,
} from "./preview";
import { firstIssue, PreviewRequest, ThumbnailRequest } from "./preview-schemas";

// The preview path as the route runs it, against the real database and object store: owner-
// scoped lookups, the downscaled-source and result caches, limits and aborts.

let alice: string;
let bob: string;

/** A Drive file row with a real object behind it. */
async function driveFile(ownerId: string, name: string, body: Buffer, contentType: string) {
  const storageKey = newObjectKey(ownerId);
  await putDirect(storageKey, body, contentType);
  return seedFileRow(ownerId, { name, size: body.length, contentType, storageKey });
}

// 1600 × 1200: a gradient with a red square at the top left.
const photo = () => {
  const width = 1600;
  const height = 1200;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const red = x < 200 && y < 200;
      data[i] = red ? 255 : (x * 255) / width;
      data[i + 1] = red ? 0 : (y * 255) / height;
      data[i + 2] = red ? 0 : 128;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
};

const ok = (outcome: PreviewOutcome) => {
  if (!outcome.ok) throw new Error(`expected a preview, got ${outcome.status} ${outcome.message}`);
  return outcome;
};
const step = (kind: Parameters<typeof defaultStep>[0], settings: object = {}) =>
  ChainStep.parse(defaultStep(kind, settings as never));

let image: { id: string };
let text: { id: string };
let broken: { id: string };
let bobsImage: { id: string };

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  image = await driveFile(alice, "photo.jpg", await photo(), "image/jpeg");
  text = await driveFile(alice, "notes.txt", Buffer.from("hello"), "text/plain");
  broken = await driveFile(alice, "broken.jpg", Buffer.from("not really a jpeg"), "image/jpeg");
  bobsImage = await driveFile(bob, "bob.jpg", await photo(), "image/jpeg");
});

afterAll(async () => {
  await removeUsers(alice, bob);
});

beforeEach(() => clearPreviewCaches());

describe("renderPreview", () => {
  it("renders the chain on a copy with a long side of 1024 px, as WebP", async () => {
    const out = ok(await renderPreview(alice, { fileId: image.id, chain: [] }));
    expect(out.contentType).toBe("image/webp");
    expect([out.width, out.height]).toEqual([1024, 768]);
    expect(out.scale).toBeCloseTo(0.64, 5);
    const meta = await sharp(out.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 1024, 768]);
    expect(out.cached).toBe(false);
  });

  it("renders the chain: grayscale makes equal channels, flop mirrors the image", async () => {
    const pixels = async (chain: Chain) => {
      const out = ok(await renderPreview(alice, { fileId: image.id, chain }));
      const { data, info } = await sharp(out.data)
        .toColourspace("srgb")
        .raw()
        .toBuffer({ resolveWithObject: true });
      return (x: number, y: number): [number, number, number] => {
        const i = (y * info.width + x) * info.channels;
        return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      };
    };
    const plain = await pixels([step("grayscale")]);
    const mirrored = await pixels([step("flop"), step("grayscale")]);
    for (const [x, y] of [
      [20, 20],
      [300, 400],
      [900, 700],
    ] as const) {
      const [r, g, b] = mirrored(1023 - x, y);
      expect(Math.abs(r - g) + Math.abs(g - b)).toBeLessThanOrEqual(2);
      expect(Math.abs(r - plain(x, y)[0])).toBeLessThanOrEqual(3);
    }
    // The gradient runs left to right, so mirroring does change the picture.
    expect(Math.abs(mirrored(300, 400)[0] - plain(300, 400)[0])).toBeGreaterThan(20);
  });

  it("answers the same chain from the cache, whatever the step ids and disabled steps", async () => {
    const chain: Chain = [step("sepia"), step("blur", { sigma: 2 })];
    const first = ok(await renderPreview(alice, { fileId: image.id, chain }));
    const again = ok(
      await renderPreview(alice, {
        fileId: image.id,
        chain: [
          { ...chain[0]!, id: "other1" },
          { ...step("invert"), enabled: false },
          { ...chain[1]!, id: "other2" },
        ],
      }),
    );
    expect(again.cached).toBe(true);
    expect(again.etag).toBe(first.etag);
    expect(again.data.equals(first.data)).toBe(true);
    const changed = ok(
      await renderPreview(alice, { fileId: image.id, chain: [step("sepia"), step("blur")] }),
    );
    expect(changed.cached).toBe(false);
    expect(changed.etag).not.toBe(first.etag);
  });

  it("makes a new preview when the file's stored version changes", async () => {
    const first = ok(await renderPreview(alice, { fileId: image.id, chain: [] }));
    await updateFileRow(image.id, { name: "renamed.jpg" });
    const after = ok(await renderPreview(alice, { fileId: image.id, chain: [] }));
    expect(after.cached).toBe(false);
    expect(after.etag).not.toBe(first.etag);
  });

  it("answers 404 for another user's file, a non-image, a trashed or unknown file", async () => {
    for (const fileId of [bobsImage.id, text.id, "nosuchfile"]) {
      const out = await renderPreview(alice, { fileId, chain: [] });
      expect(out).toMatchObject({ ok: false, status: 404 });
    }
    const trashed = await driveFile(alice, "gone.jpg", await photo(), "image/jpeg");
    await updateFileRow(trashed.id, { trashedAt: new Date() });
    expect(await renderPreview(alice, { fileId: trashed.id, chain: [] })).toMatchObject({
      ok: false,
      status: 404,
    });
    // Bob's own file works for Bob.
    ok(await renderPreview(bob, { fileId: bobsImage.id, chain: [] }));
  });

  it("answers 422 for a damaged image and 413 over the limits, with a message", async () => {
    const damaged = await renderPreview(alice, { fileId: broken.id, chain: [] });
    expect(damaged).toMatchObject({ ok: false, status: 422 });
    expect(!damaged.ok && damaged.message).toMatch(/not an image format/);
    const pixels = await renderPreview(
      alice,
      { fileId: image.id, chain: [] },
      { limits: { maxPixels: 1_000_000 } },
    );
    expect(pixels).toMatchObject({ ok: false, status: 413 });
    expect(!pixels.ok && pixels.message).toMatch(/1600 × 1200 pixels/);
    const bytes = await renderPreview(
      alice,
      { fileId: image.id, chain: [] },
      { limits: { maxBytes: 1000 } },
    );
    expect(bytes).toMatchObject({ ok: false, status: 413 });
  });

  it("loads image watermarks from the owner's Drive only", async () => {
    const own = ok(
      await renderPreview(alice, {
        fileId: image.id,
        chain: [step("imageWatermark", { fileId: image.id, gravity: "southeast", opacity: 1 })],
      }),
    );
    const plain = ok(await renderPreview(alice, { fileId: image.id, chain: [] }));
    expect(own.data.equals(plain.data)).toBe(false);
    const foreign = await renderPreview(alice, {
      fileId: image.id,
      chain: [step("imageWatermark", { fileId: bobsImage.id })],
    });
    expect(foreign).toMatchObject({ ok: false, status: 422 });
    expect(!foreign.ok && foreign.message).toMatch(/no longer in your Drive/);
  });

  it("skips the work for a request that was already superseded", async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await renderPreview(
      alice,
      { fileId: image.id, chain: [step("blur")] },
      { signal: controller.signal },
    );
    expect(out).toMatchObject({ ok: false, status: 499 });
  });
});

describe("the preview's pixel budget (issue 15)", () => {
  const budget = pixelBudgetFor(PREVIEW_LONG_SIDE);

  it("renders the attack — a 64 × 64 PNG, resized to 9990 × 9990, blurred σ 100 — within the budget", async () => {
    const tiny = await sharp({
      create: { width: 64, height: 64, channels: 3, background: "#3366cc" },
    })
      .png()
      .toBuffer();
    const file = await driveFile(alice, "tiny.png", tiny, "image/png");
    const chain: Chain = [
      step("resize", { width: 9990, height: 9990, fit: "fill", withoutEnlargement: false }),
      step("blur", { sigma: 100 }),
    ];
    const stats = { pipelines: 0, peakPixels: 0 };
    const out = ok(await renderPreview(alice, { fileId: file.id, chain }, { stats }));
    // Unbounded, this was 99.8 megapixels of blur (106 s of a web server's CPU).
    const meta = await sharp(out.data).metadata();
    expect(meta.width).toBe(out.width);
    expect(meta.height).toBe(out.height);
    expect(out.width).toBe(out.height);
    expect(out.width * out.height).toBeLessThanOrEqual(budget);
    expect(out.width).toBeGreaterThan(PREVIEW_LONG_SIDE / 2);
    expect(stats.peakPixels).toBeGreaterThan(0);
    expect(stats.peakPixels).toBeLessThanOrEqual(budget);
    // The scale says how much smaller than the full-size result (9990 px wide) this is.
    expect(out.width / out.scale).toBeGreaterThan(9990 * 0.97);
    expect(out.width / out.scale).toBeLessThan(9990 * 1.03);
  });

  it("bounds a chain whose image on the way would pass the budget, though its output would not", async () => {
    // The 1600 × 1200 photo blown up 5 × and cropped to its middle tenth: at the preview's
    // scale (0.64) that is a 5120 × 3840 image on the way to a 512 × 384 output.
    const chain: Chain = [
      step("resize", { width: 8000, height: 6000, fit: "fill", withoutEnlargement: false }),
      step("crop", { left: 0.45, top: 0.45, width: 0.1, height: 0.1 }),
    ];
    const stats = { pipelines: 0, peakPixels: 0 };
    const out = ok(await renderPreview(alice, { fileId: image.id, chain }, { stats }));
    expect(stats.peakPixels).toBeLessThanOrEqual(budget);
    expect(out.scale).toBeLessThan(0.64 * Math.sqrt(budget / (5120 * 3840)) * 1.01);
    // Still the same picture: the crop of an 8000 × 6000 result, at the preview's scale.
    expect(out.width / out.height).toBeCloseTo(800 / 600, 1);
    expect(out.width / out.scale).toBeGreaterThan(800 * 0.97);
    expect(out.width / out.scale).toBeLessThan(800 * 1.03);
  });

  it("keeps an ordinary chain at the copy's full scale", async () => {
    const out = ok(
      await renderPreview(alice, { fileId: image.id, chain: [step("rotate", { angle: 30 })] }),
    );
    expect(out.scale).toBeCloseTo(0.64, 5);
  });
});

describe("previews in flight per user", () => {
  it("names the limit of 4 in the message of a user over it, and leaves others alone", () => {
    const slots = userSlots("image-previews");
    const held = Array.from({ length: 4 }, () => slots.acquire(alice));
    const fifth = slots.acquire(alice);
    expect(fifth).toEqual({
      ok: false,
      message:
        "You already have 4 image previews rendering (the limit is 4 per user). Wait for a preview to finish.",
    });
    const other = slots.acquire(bob);
    expect(other.ok).toBe(true);
    for (const slot of [...held, other]) if (slot.ok) slot.release();
    expect(slots.inUse(alice)).toBe(0);
  });
});

describe("renderThumbnail", () => {
  it("renders one filter with its defaults, 160 px on the long side", async () => {
    const grey = ok(await renderThumbnail(alice, { fileId: image.id, kind: "grayscale" }));
    expect([grey.width, grey.height]).toEqual([160, 120]);
    const stats = await sharp(grey.data).toColourspace("srgb").stats();
    const [r, g] = stats.channels;
    expect(Math.abs((r?.mean ?? 0) - (g?.mean ?? 0))).toBeLessThan(1);
    const again = ok(await renderThumbnail(alice, { fileId: image.id, kind: "grayscale" }));
    expect(again.cached).toBe(true);
    // Every kind renders, the image watermark with the picture itself.
    for (const kind of ["imageWatermark", "pixelate", "textWatermark", "crop"] as const) {
      ok(await renderThumbnail(alice, { fileId: image.id, kind }));
    }
    expect(await renderThumbnail(bob, { fileId: image.id, kind: "sepia" })).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe("request schemas", () => {
  it("reports the first problem of a bad chain with its place", () => {
    const bad = PreviewRequest.safeParse({
      fileId: image.id,
      chain: [{ id: "a", kind: "blur", sigma: 500 }],
    });
    expect(bad.success).toBe(false);
    expect(firstIssue(bad.error!)).toMatch(/^chain\.0\.sigma: /);
    const unknown = PreviewRequest.safeParse({ fileId: image.id, chain: [{ id: "a", kind: "x" }] });
    expect(unknown.success).toBe(false);
    expect(ThumbnailRequest.safeParse({ fileId: image.id, kind: "nope" }).success).toBe(false);
    expect(ThumbnailRequest.safeParse({ fileId: image.id, kind: "emboss" }).success).toBe(true);
  });
});
