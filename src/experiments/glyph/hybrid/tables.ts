// The lookup tables of Glyph part 2's hybrid network, as the encrypted run's programmable
// bootstrapping (PBS) will evaluate them. A PBS reads a (p+1)-bit torus value u ∈ [0, 2^(p+1)):
// p message bits plus one padding bit. Its test polynomial holds a table f on [0, 2^p); by
// negacyclicity it returns f(u) when the padding bit is 0 and −f(u − 2^p) when it is 1. Every
// function here is that exact integer semantics, so the plaintext simulation and the encrypted
// run use the same tables (ours: the paper's circuits were not retrieved, spec part 2 §1).
import { fail } from '../../../device/errors.js';

/**
 * A table for one PBS: f on [0, 2^inputBits), integer outputs in [min, max]. A table on
 * α < p bits (a short last digit round) is the p-bit table u ↦ f(u >> (p − α)), applied to an
 * input whose window was taken 2^(p−α) larger: the low bits are then zero.
 */
export interface LookupTable {
  name: string;
  /** p: message bits of the PBS input (the padding bit comes on top). */
  inputBits: number;
  /** Output bounds over the in-range inputs (the negacyclic half negates them). */
  min: number;
  max: number;
  at(u: number): number;
}

function table(name: string, inputBits: number, f: (u: number) => number): LookupTable {
  let min = Infinity;
  let max = -Infinity;
  for (let u = 0; u < 2 ** inputBits; u++) {
    const v = f(u);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { name, inputBits, min, max, at: f };
}

/** Negacyclic evaluation on u ∈ [0, 2^(p+1)): what one PBS with this table computes, exactly. */
export function pbs(f: LookupTable, u: number): number {
  const half = 2 ** f.inputBits;
  if (!Number.isInteger(u) || u < 0 || u >= 2 * half) fail(`pbs(${f.name}): input ${u} is outside [0, ${2 * half})`);
  return u < half ? f.at(u) : -f.at(u - half);
}

/** Signed messages are stored with an offset of 2^(p−1): u = y + 2^(p−1) for y ∈ [−2^(p−1), 2^(p−1)). */
export const signedOffset = (p: number) => 2 ** (p - 1);

/** y = u − 2^(p−1): the re-quantised signed value itself (outputs, errors, weight updates). */
export const signedTable = (p: number) => table(`signed${p}`, p, (u) => u - signedOffset(p));

/** ReLU(y) = max(0, y): hidden activations in [0, 2^(p−1) − 1]. */
export const reluTable = (p: number) => table(`relu${p}`, p, (u) => Math.max(0, u - signedOffset(p)));

/** ReLU′(y) = [y > 0] (0 at y = 0): the backward mask bit. */
export const reluDerivativeTable = (p: number) => table(`relu'${p}`, p, (u) => (u - signedOffset(p) > 0 ? 1 : 0));

/**
 * The masked backward error: the input packs a (p−1)-bit signed error y (offset 2^(p−2)) in its
 * low bits and the ReLU′ mask bit m at bit p−1; the output is m·y. Folding the mask into the
 * error's last PBS costs no ct × ct product and no extra PBS, one bit of error precision.
 */
export const maskedSignedTable = (p: number) =>
  table(`masked${p}`, p, (u) => (u >= 2 ** (p - 1) ? u - 2 ** (p - 1) - 2 ** (p - 2) : 0));

/**
 * Digit removal, first PBS of a round (the sign trick): a constant table −2^(α−1) on α bits. On
 * x ∈ [0, 2^(α+1)) it returns −2^(α−1) below 2^α and +2^(α−1) above, so adding 2^(α−1) gives
 * 2^α·(bit α of x) — the bit a padding-free (α+1)-bit value has where the PBS wants its padding.
 */
export const topBitTable = (alpha: number) => table(`topbit${alpha}`, alpha, () => -(2 ** (alpha - 1)));

/** Digit removal, second PBS of a round: the identity on the α low bits, output at the accumulator's scale. */
export const lowDigitTable = (alpha: number) => table(`digit${alpha}`, alpha, (u) => u);
