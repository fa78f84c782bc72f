// Elementwise residue arithmetic on [..., k, N] tensors: shaders/fhe/poly-binary.wgsl and
// poly-unary.wgsl. In the NTT domain, mul is the negacyclic product.
import modarith from '../../../shaders/fhe/modarith.wgsl';
import binarySource from '../../../shaders/fhe/poly-binary.wgsl';
import unarySource from '../../../shaders/fhe/poly-unary.wgsl';
import { CodeTable } from '../../device/codes.js';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { RnsContext } from './context.js';
import { rnsOp } from './kernel-op.js';
import { polyLayout } from './layout.js';

const BINARY = new CodeTable('OP', ['add', 'sub', 'mul', 'mulMontgomery'] as const);
export type BinaryKind = (typeof BINARY.names)[number];

/**
 * Which row of b meets output row r: ((r / k) / div % mod) * k + r % k + off.
 * Defaults: b has a's shape. `{ mod: 1 }` shares one [k, N] b across a batch;
 * `{ div: parts }` gives each ciphertext of a [B, parts, k, N] batch its own b row block;
 * `off` starts inside a longer b (a key over more primes).
 */
export interface RowMap {
  div?: number;
  mod?: number;
  off?: number;
}

interface BinaryAttrs {
  ring: RnsContext;
  kind: BinaryKind;
  base: number;
  map: Required<RowMap>;
}

const binaryOp = rnsOp<BinaryAttrs>({
  name: 'fhe.binary',
  kernel: new Kernel({ name: 'fhe/poly-binary', source: BINARY.withSource('fhe/poly-binary', modarith, binarySource) }),
  bind: ['a', 'b', 'primes'],
  shape([a, b], { ring, kind, base, map }) {
    const what = `fhe ${kind}`;
    const { rows, k } = polyLayout(a!, ring, base, what);
    if (b!.dtype !== 'u32' || b!.shape[b!.rank - 1] !== ring.n) fail(`${what}: ${b} must be u32 [..., N] with N = ${ring.n}`);
    const lastGroup = Math.min(map.mod - 1, Math.floor((rows / k - 1) / map.div));
    const need = lastGroup * k + k + map.off;
    if (need > b!.numel / ring.n) {
      fail(`${what}: operand ${fmt(b!.shape)} has ${b!.numel / ring.n} rows but the row map needs ${need} for ${fmt(a!.shape)}`);
    }
    return a!.shape;
  },
  uniforms([a], { ring, base, map }) {
    const { rows, k } = polyLayout(a!, ring, base, 'fhe binary');
    return { rows, k, base, b_div: map.div, b_mod: map.mod, b_off: map.off };
  },
  constants: ({ kind }) => ({ OP: BINARY.code[kind] }),
});

export function polyBinary(ring: RnsContext, kind: BinaryKind, a: Tensor, b: Tensor, base: number, map: RowMap = {}): Tensor {
  const full = { div: map.div ?? 1, mod: map.mod ?? 0x7fffffff, off: map.off ?? 0 };
  if (full.div < 1 || full.mod < 1 || full.off < 0) fail(`fhe ${kind}: row map ${JSON.stringify(map)} needs div, mod >= 1 and off >= 0`);
  return binaryOp([a, b, ring.primeRecords], { ring, kind, base, map: full });
}

export const polyAdd = (ring: RnsContext, a: Tensor, b: Tensor, base: number, map?: RowMap) => polyBinary(ring, 'add', a, b, base, map);
export const polySub = (ring: RnsContext, a: Tensor, b: Tensor, base: number, map?: RowMap) => polyBinary(ring, 'sub', a, b, base, map);
/** Residue-wise product; in the NTT domain the negacyclic product of the polynomials. */
export const polyMul = (ring: RnsContext, a: Tensor, b: Tensor, base: number, map?: RowMap) => polyBinary(ring, 'mul', a, b, base, map);

const UNARY = new CodeTable('OP', ['mulConstant', 'toMontgomery', 'negate'] as const);
type UnaryKind = (typeof UNARY.names)[number];

interface UnaryAttrs {
  ring: RnsContext;
  kind: UnaryKind;
  base: number;
}

const unaryOp = rnsOp<UnaryAttrs>({
  name: 'fhe.unary',
  kernel: new Kernel({ name: 'fhe/poly-unary', source: UNARY.withSource('fhe/poly-unary', modarith, unarySource) }),
  bind: ['x', 'primes', 'c'],
  shape: ([x], { ring, kind, base }) => (polyLayout(x!, ring, base, `fhe ${kind}`), x!.shape),
  uniforms: ([x], { ring, base }) => ({ ...polyLayout(x!, ring, base, 'fhe unary'), base }),
  constants: ({ kind }) => ({ OP: UNARY.code[kind] }),
});

function unary(ring: RnsContext, kind: UnaryKind, x: Tensor, base: number, c = 1n): Tensor {
  return unaryOp([x, ring.primeRecords, ring.constantTable(c)], { ring, kind, base });
}

/** x · c for an integer constant c (reduced per prime; any size or sign). */
export const mulConstant = (ring: RnsContext, x: Tensor, c: bigint, base: number) => unary(ring, 'mulConstant', x, base, c);
/** x · 2^32 mod q: operands stored this way make one Montgomery REDC a plain product. */
export const toMontgomery = (ring: RnsContext, x: Tensor, base: number) => unary(ring, 'toMontgomery', x, base);
export const negate = (ring: RnsContext, x: Tensor, base: number) => unary(ring, 'negate', x, base);
