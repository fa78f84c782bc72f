// Small binary floating-point formats (1 sign bit, E exponent bits, M mantissa bits) that the
// engine emulates inside f32: FP8 (1,5,2), the FP16 (1,6,9) of Wang et al. 2018 and IEEE
// binary16 (1,5,10). The paper does not define bias, subnormals or special values; our choices
// (docs: shared/mission/papers/fp8-training.md §1) are IEEE-like: bias 2^(E-1)-1, gradual
// underflow, the top exponent code reserved for NaN, and overflow saturating to ±max finite.
import { fail } from '../device/errors.js';

export interface FloatFormat {
  readonly name: string;
  readonly expBits: number;
  readonly manBits: number;
  /** Bits of one code: 1 + expBits + manBits. */
  readonly bits: number;
  readonly bias: number;
  /** Exponent of the smallest normal number, 1 - bias. */
  readonly emin: number;
  /** Exponent of the largest finite binade. */
  readonly emax: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  readonly maxFinite: number;
  /** The top exponent code holds numbers (ablation flag; then no code means NaN). */
  readonly topBinadeUsable: boolean;
}

export interface FormatOptions {
  name?: string;
  /** Use the top exponent code for finite numbers (FP8 max 114688 instead of 57344). */
  topBinadeUsable?: boolean;
  /**
   * Largest finite value when it is below the top of the grid: OCP E4M3 keeps the top binade
   * but reserves its all-ones mantissa for NaN, so its largest value is 448, not 480.
   */
  maxFinite?: number;
}

export function floatFormat(expBits: number, manBits: number, options: FormatOptions = {}): FloatFormat {
  // Every value must sit in f32's normal range and keep its mantissa, so it is exact in f32.
  if (!Number.isInteger(expBits) || expBits < 2 || expBits > 7) fail(`floatFormat: ${expBits} exponent bits; use 2..7 (values must fit in f32)`);
  if (!Number.isInteger(manBits) || manBits < 1 || manBits > 22) fail(`floatFormat: ${manBits} mantissa bits; use 1..22`);
  const top = options.topBinadeUsable ?? false;
  const bias = 2 ** (expBits - 1) - 1;
  const emin = 1 - bias;
  const emax = 2 ** expBits - (top ? 1 : 2) - bias;
  const gridMax = (2 - 2 ** -manBits) * 2 ** emax;
  const maxFinite = options.maxFinite ?? gridMax;
  if (!(maxFinite > 2 ** emax && maxFinite <= gridMax) || !Number.isInteger(maxFinite / 2 ** (emax - manBits))) {
    fail(`floatFormat: maxFinite ${maxFinite} must be a grid value of the top binade, in (${2 ** emax}, ${gridMax}] in steps of ${2 ** (emax - manBits)}`);
  }
  return {
    name: options.name ?? `fp(1,${expBits},${manBits})${top ? '+top' : ''}`,
    expBits,
    manBits,
    bits: 1 + expBits + manBits,
    bias,
    emin,
    emax,
    minNormal: 2 ** emin,
    minSubnormal: 2 ** (emin - manBits),
    maxFinite,
    topBinadeUsable: top,
  };
}

/** FP8 (1,5,2): the paper's data format for GEMM operands; equals OCP E5M2. */
export const FP8_E5M2 = floatFormat(5, 2, { name: 'fp8e5m2' });
/** The paper's FP16 (1,6,9): accumulation and weight-update format (not IEEE binary16). */
export const FP16_169 = floatFormat(6, 9, { name: 'fp16(1,6,9)' });
/**
 * OCP E4M3 (1,4,3), the forward format of block-scaled FP8 training: the top binade holds
 * numbers, S.1111.111 is NaN, so the largest value is 448.
 */
export const FP8_E4M3 = floatFormat(4, 3, { name: 'fp8e4m3', topBinadeUsable: true, maxFinite: 448 });
/** IEEE binary16 (1,5,10), offered as an ablation of the paper's FP16. */
export const BINARY16 = floatFormat(5, 10, { name: 'binary16' });

/** Spacing of the grid at value x (the ULP of its binade; the subnormal quantum below minNormal). */
export function ulp(format: FloatFormat, x: number): number {
  const a = Math.abs(x);
  const e = a >= format.minNormal ? Math.max(floorLog2(a), format.emin) : format.emin;
  return 2 ** (e - format.manBits);
}

const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/** floor(log2(a)) for a finite a > 0, exact (read from the f32 exponent when a is an f32). */
export function floorLog2(a: number): number {
  f32View[0] = a;
  if (f32View[0] === a) {
    const field = u32View[0]! >>> 23;
    // f32 subnormals are fraction · 2^-149: the exponent of the fraction's top set bit.
    return field ? field - 127 : 31 - Math.clz32(u32View[0]!) - 149;
  }
  // Math.log2 may be off by one near powers of two.
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/**
 * The constants the WGSL rounding functions take (shaders/precision/grid.wgsl), passed as
 * pipeline overrides so one shader serves every format: mantissa bits, exponent of the
 * smallest normal, and the f32 bit pattern of the largest finite value.
 */
export function gridConstants(format: FloatFormat): { man: number; emin: number; maxBits: number; expBits: number } {
  const bits = new Uint32Array(new Float32Array([format.maxFinite]).buffer)[0]!;
  return { man: format.manBits, emin: format.emin, maxBits: bits, expBits: format.expBits };
}
