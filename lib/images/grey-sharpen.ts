import "server-only";

// sharp's sharpen({ sigma }) is libvips' unsharp mask on L* (LabS: L* × 327.67 as 16-bit). On a
// grey image libvips turns the one band into three-band Lab and back, and those two colour
// conversions cost about ten times the mask itself: on a 1920-px result it was the most
// expensive step after decoding the JPEG. This is the same mask on the grey band alone — grey
// value → L* → blur → the "flat / jaggy" curve → back — with sharp's default parameters. The
// pixels stay within a level or two of sharp's (grey-sharpen.test.ts holds it to that).

/** sharp's defaults for sharpen({ sigma }): flat slope, jagged slope, threshold, clamps. */
const M1 = 1;
const M2 = 2;
const X1 = 2;
const Y2 = 10; // most brightening, in L*
const Y3 = 20; // most darkening, in L*
const L_SCALE = 327.67;

const srgbToLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const linearToSrgb = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);
const EPS = 216 / 24389;
const KAPPA = 24389 / 27;

let tables: { toL: Int32Array; fromL: Uint8Array; curve: Int32Array } | undefined;

function buildTables() {
  if (tables) return tables;
  const toL = new Int32Array(256);
  for (let g = 0; g < 256; g++) {
    const y = srgbToLinear(g / 255);
    const l = y > EPS ? 116 * Math.cbrt(y) - 16 : y * KAPPA;
    toL[g] = Math.round(l * L_SCALE);
  }
  const fromL = new Uint8Array(32768);
  for (let s = 0; s < 32768; s++) {
    const l = s / L_SCALE;
    const y = l > 8 ? ((l + 16) / 116) ** 3 : l / KAPPA;
    fromL[s] = Math.max(0, Math.min(255, Math.round(linearToSrgb(Math.min(1, y)) * 255)));
  }
  // The change to L for each difference between a pixel and its blurred neighbourhood.
  const curve = new Int32Array(65536);
  for (let i = 0; i < 65536; i++) {
    const v = (i - 32768) / L_SCALE;
    let y: number;
    if (v < -X1) y = (v + X1) * M2 - X1 * M1;
    else if (v < X1) y = v * M1;
    else y = (v - X1) * M2 + X1 * M1;
    curve[i] = Math.round(Math.max(-Y3, Math.min(Y2, y)) * L_SCALE);
  }
  tables = { toL, fromL, curve };
  return tables;
}

/** libvips' integer Gaussian (gaussmat, 10% cut-off, ×20 rounded): the blur under the mask. */
export function gaussMask(sigma: number): Int32Array {
  const sig2 = 2 * sigma * sigma;
  const maxX = Math.max(0, Math.min(5000, Math.floor(8 * sigma)));
  let x = 0;
  for (; x < maxX; x++) if (Math.exp(-(x * x) / sig2) < 0.1) break;
  const width = 2 * Math.max(x - 1, 0) + 1;
  const mask = new Int32Array(width);
  const half = Math.floor(width / 2);
  for (let i = 0; i < width; i++) mask[i] = Math.round(20 * Math.exp(-((i - half) ** 2) / sig2));
  return mask;
}

/** The unsharp mask of sharp's sharpen({ sigma }) on one grey band; returns a new buffer. */
export function sharpenGrey(
  data: Uint8Array,
  width: number,
  height: number,
  sigma: number,
): Buffer {
  const { toL, fromL, curve } = buildTables();
  let mask = gaussMask(sigma);
  let scale = 0;
  for (const w of mask) scale += w;
  if (scale === 0) scale = 1;
  // Masks of up to five taps (sigma up to about 1.5) run unrolled: zeros pad them to five.
  if (mask.length < 5) {
    const padded = new Int32Array(5);
    padded.set(mask, (5 - mask.length) >> 1);
    mask = padded;
  }
  const k = mask.length;
  const half = k >> 1;
  const round = (scale + 1) >> 1;
  const n = width * height;
  const out = Buffer.allocUnsafe(n);
  if (n === 0) return out;
  // L for each pixel, with `half` repeated edge pixels left and right of every row.
  const stride = width + 2 * half;
  const l = new Uint16Array(stride * height);
  for (let y = 0; y < height; y++) {
    const src = y * width;
    const dst = y * stride + half;
    for (let x = 0; x < width; x++) l[dst + x] = toL[data[src + x]!]!;
    for (let j = 1; j <= half; j++) {
      l[dst - j] = l[dst]!;
      l[dst + width - 1 + j] = l[dst + width - 1]!;
    }
  }
  // Separable blur, rounded after each pass, edges repeated (as libvips' convsep). Sums stay
  // below 2^31: 32767 × the mask's sum (at most 20 × its width).
  const across = new Uint16Array(n);
  const [m0, m1, m2, m3, m4] = mask as unknown as [number, number, number, number, number];
  for (let y = 0; y < height; y++) {
    const src = y * stride;
    const dst = y * width;
    if (k === 5) {
      for (let x = 0; x < width; x++) {
        const i = src + x;
        const sum =
          round + m0 * l[i]! + m1 * l[i + 1]! + m2 * l[i + 2]! + m3 * l[i + 3]! + m4 * l[i + 4]!;
        across[dst + x] = (sum / scale) | 0;
      }
    } else {
      for (let x = 0; x < width; x++) {
        let sum = round;
        for (let j = 0; j < k; j++) sum += mask[j]! * l[src + x + j]!;
        across[dst + x] = (sum / scale) | 0;
      }
    }
  }
  const row = (y: number) => Math.min(height - 1, Math.max(0, y)) * width;
  const sums = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    const lb = y * stride + half;
    if (k === 5) {
      const r0 = row(y - 2);
      const r1 = row(y - 1);
      const r3 = row(y + 1);
      const r4 = row(y + 2);
      for (let x = 0; x < width; x++) {
        const sum =
          round +
          m0 * across[r0 + x]! +
          m1 * across[r1 + x]! +
          m2 * across[base + x]! +
          m3 * across[r3 + x]! +
          m4 * across[r4 + x]!;
        const v = l[lb + x]!;
        const s = v + curve[v - ((sum / scale) | 0) + 32768]!;
        out[base + x] = fromL[s < 0 ? 0 : s > 32767 ? 32767 : s]!;
      }
      continue;
    }
    sums.fill(round);
    for (let j = 0; j < k; j++) {
      const src = row(y + j - half);
      const w = mask[j]!;
      for (let x = 0; x < width; x++) sums[x] = sums[x]! + w * across[src + x]!;
    }
    for (let x = 0; x < width; x++) {
      const v = l[lb + x]!;
      const s = v + curve[v - ((sums[x]! / scale) | 0) + 32768]!;
      out[base + x] = fromL[s < 0 ? 0 : s > 32767 ? 32767 : s]!;
    }
  }
  return out;
}
