// Elementwise residue arithmetic on [..., k, N] tensors: shaders/fhe/poly-binary.wgsl and
// poly-unary.wgsl. In the NTT domain, mul is the negacyclic product.
import modarith from '../../../shaders/fhe/modarith.wgsl';
import binarySource from '../../../shaders/fhe/poly-binary.wgsl';
import unarySource from '../../../shaders/fhe/poly-unary.wgsl';
import { fail } from '../../device/errors.js';
import type { OpDef } from '../../graph/op.js';
import { Kernel } from '../../kernels/kernel.js';
import { fmt } from '../../tensor/shape.js';
import { apply, type Tensor } from '../../tensor/tensor.js';
import type { RnsContext } from './context.js';
import { elementGrid, polyLayout } from './layout.js';

const binaryKernel = new Kernel({ name: 'fhe/poly-binary', source: [modarith, binarySource] });
const unaryKernel = new Kernel({ name: 'fhe/poly-unary', source: [modarith, unarySource] });

const BINARY = { add: 0, sub: 1, mul: 2, mulMontgomery: 3 } as const;
export type BinaryKind = keyof typeof BINARY;

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

const binaryOp: OpDef<BinaryAttrs> = {
  name: 'fhe.binary',
  infer([a, b], { ring, kind, base, map }) {
    const what = `fhe ${kind}`;
    const { rows, k } = polyLayout(a!, ring, base, what);
    if (b!.dtype !== 'u32' || b!.shape[b!.rank - 1] !== ring.n) fail(`${what}: ${b} must be u32 [..., N] with N = ${ring.n}`);
    const groups = rows / k;
    const lastGroup = Math.min(map.mod - 1, Math.floor((groups - 1) / map.div));
    const need = lastGroup * k + k + map.off;
    if (need > b!.numel / ring.n) {
      fail(`${what}: operand ${fmt(b!.shape)} has ${b!.numel / ring.n} rows but the row map needs ${need} for ${fmt(a!.shape)}`);
    }
    return { shape: a!.shape, dtype: 'u32' };
  },
  lower(ctx, { inputs: [a, b, primes], attrs }, out) {
    const { rows, k } = polyLayout(a!, attrs.ring, attrs.base, 'fhe binary');
    ctx.dispatch({
      kernel: binaryKernel,
      constants: { OP: BINARY[attrs.kind] },
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), out: ctx.out, primes: ctx.ref(primes!) },
      uniforms: { log_n: attrs.ring.logN, rows, k, base: attrs.base, b_div: attrs.map.div, b_mod: attrs.map.mod, b_off: attrs.map.off },
      workgroups: elementGrid(rows, out.shape[out.rank - 1]!),
    });
  },
};

export function polyBinary(ring: RnsContext, kind: BinaryKind, a: Tensor, b: Tensor, base: number, map: RowMap = {}): Tensor {
  const full = { div: map.div ?? 1, mod: map.mod ?? 0x7fffffff, off: map.off ?? 0 };
  if (full.div < 1 || full.mod < 1 || full.off < 0) fail(`fhe ${kind}: row map ${JSON.stringify(map)} needs div, mod >= 1 and off >= 0`);
  return apply(binaryOp, [a, b, ring.primeRecords], { ring, kind, base, map: full });
}

export const polyAdd = (ring: RnsContext, a: Tensor, b: Tensor, base: number, map?: RowMap) => polyBinary(ring, 'add', a, b, base, map);
export const polySub = (ring: RnsContext, a: Tensor, b: Tensor, base: number, map?: RowMap) => polyBinary(ring, 'sub', a, b, base, map);
/** Residue-wise product; in the NTT domain the negacyclic product of the polynomials. */
export const polyMul = (ring: RnsContext, a: Tensor, b: Tensor, base: number, map?: RowMap) => polyBinary(ring, 'mul', a, b, base, map);

const UNARY = { mulConstant: 0, toMontgomery: 1, negate: 2 } as const;
type UnaryKind = keyof typeof UNARY;

interface UnaryAttrs {
  ring: RnsContext;
  kind: UnaryKind;
  base: number;
}

const unaryOp: OpDef<UnaryAttrs> = {
  name: 'fhe.unary',
  infer([x], { ring, kind, base }) {
    polyLayout(x!, ring, base, `fhe ${kind}`);
    return { shape: x!.shape, dtype: 'u32' };
  },
  lower(ctx, { inputs: [x, primes, c], attrs }) {
    const { rows, k } = polyLayout(x!, attrs.ring, attrs.base, 'fhe unary');
    ctx.dispatch({
      kernel: unaryKernel,
      constants: { OP: UNARY[attrs.kind] },
      bind: { x: ctx.ref(x!), out: ctx.out, primes: ctx.ref(primes!), c: ctx.ref(c!) },
      uniforms: { log_n: attrs.ring.logN, rows, k, base: attrs.base },
      workgroups: elementGrid(rows, attrs.ring.n),
    });
  },
};

function unary(ring: RnsContext, kind: UnaryKind, x: Tensor, base: number, c = 1n): Tensor {
  return apply(unaryOp, [x, ring.primeRecords, ring.constantTable(c)], { ring, kind, base });
}

/** x · c for an integer constant c (reduced per prime; any size or sign). */
export const mulConstant = (ring: RnsContext, x: Tensor, c: bigint, base: number) => unary(ring, 'mulConstant', x, base, c);
/** x · 2^32 mod q: operands stored this way make one Montgomery REDC a plain product. */
export const toMontgomery = (ring: RnsContext, x: Tensor, base: number) => unary(ring, 'toMontgomery', x, base);
export const negate = (ring: RnsContext, x: Tensor, base: number) => unary(ring, 'negate', x, base);
