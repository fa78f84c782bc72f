// matmul: (batched) matrix products with optional transposes, bias and activation, as one op
// lowered to one GEMM dispatch (src/kernels/gemm/kernels.ts). Transposes are read in place by
// the kernels, so neither the forward nor the backward pass materialises one.
import { fail } from '../../device/errors.js';
import type { OpDef } from '../../graph/op.js';
import { apply, type Tensor } from '../../tensor/tensor.js';
import { fmt } from '../../tensor/shape.js';
import { mul, reluGrad } from '../elementwise/binary.js';
import { requireDtype } from '../elementwise/checks.js';
import { rsubScalar, square } from '../elementwise/unary.js';
import { sum } from '../reduce/reduce.js';
import { reshape } from '../shape/reshape.js';
import { dispatchGemm, type Activation, type GemmShape } from './kernels.js';

export interface MatmulOptions {
  /** Use aᵀ: a is stored [K, M] (or [B, K, M]). */
  transposeA?: boolean;
  /** Use bᵀ: b is stored [N, K] (or [B, N, K]). */
  transposeB?: boolean;
}

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: Activation;
  /** The public function, for error messages. */
  caller: string;
}

/** The logical GEMM of a node, after checking its operands. */
function gemmShape(a: Tensor, b: Tensor, bias: Tensor | undefined, { transposeA, transposeB, caller }: Attrs) {
  requireDtype(caller, a, 'f32');
  requireDtype(caller, b, 'f32');
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.rank !== 2 && t.rank !== 3) fail(`${caller}: ${name} ${fmt(t.shape)} must be 2-D [rows, cols] or 3-D [batch, rows, cols]`);
  }
  const tA = transposeA ? 'ᵀ' : '';
  const tB = transposeB ? 'ᵀ' : '';
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, ka] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    fail(`${caller}: inner dimensions differ: a${tA} ${fmt(a.shape)} has K=${ka} but b${tB} ${fmt(b.shape)} has K=${kb}`);
  }
  if (a.rank === 3 && b.rank === 3 && a.shape[0] !== b.shape[0]) {
    fail(`${caller}: batch sizes differ: a ${fmt(a.shape)} vs b ${fmt(b.shape)} (a 2-D operand is shared by the whole batch)`);
  }
  if (bias) {
    requireDtype(caller, bias, 'f32');
    if (bias.rank !== 1 || bias.shape[0] !== n) fail(`${caller}: bias ${fmt(bias.shape)} must be [${n}], one value per output column`);
  }
  const batched = a.rank === 3 || b.rank === 3;
  const shape: GemmShape = { batch: a.rank === 3 ? a.shape[0]! : b.rank === 3 ? b.shape[0]! : 1, m, n, k: ka };
  return { shape, batched, broadcastA: batched && a.rank === 2, broadcastB: batched && b.rank === 2 };
}

/** d loss / d (pre-activation), from the gradient and the activation's output. */
function activationGrad(activation: Activation, g: Tensor, y: Tensor): Tensor {
  switch (activation) {
    case 'relu': return reluGrad(y, g);
    case 'tanh': return mul(g, rsubScalar(square(y), 1));
    case 'sigmoid': return mul(g, mul(y, rsubScalar(y, 1)));
    default: return g;
  }
}

const gemmOp: OpDef<Attrs> = {
  name: 'gemm',
  infer([a, b, bias], attrs) {
    const { shape: s, batched } = gemmShape(a!, b!, bias, attrs);
    return { shape: batched ? [s.batch, s.m, s.n] : [s.m, s.n], dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b, bias], attrs }) {
    const { shape: s, broadcastA, broadcastB } = gemmShape(a!, b!, bias, attrs);
    const strides = { aBatch: broadcastA ? 0 : s.m * s.k, bBatch: broadcastB ? 0 : s.k * s.n };
    // With one b for the whole batch and an untransposed a, the batch is just more rows.
    const shape = broadcastB && !attrs.transposeA ? { ...s, batch: 1, m: s.batch * s.m } : s;
    const refs = { a: ctx.ref(a!), b: ctx.ref(b!), c: ctx.out, ...(bias ? { bias: ctx.ref(bias) } : {}) };
    dispatchGemm(ctx, refs, shape, strides, attrs);
  },
  backward(g, { inputs: [a, b, bias], attrs }, out) {
    const { transposeA: tA, transposeB: tB } = attrs;
    const gz = activationGrad(attrs.activation, g, out);
    const mm = (x: Tensor, y: Tensor, transposeA: boolean, transposeB: boolean) =>
      gemm(x, y, { transposeA, transposeB, activation: 'none', caller: 'matmul backward' });
    // A shared (2-D) operand gets the sum of its per-matrix gradients.
    const toShape = (d: Tensor, x: Tensor) => (x.rank < d.rank ? sum(d, 0) : d);
    // With A = op(a), B = op(b): dA = g·Bᵀ and dB = Aᵀ·g, written on the stored layouts.
    const da = a!.requiresGrad ? toShape(tA ? mm(b!, gz, tB, true) : mm(gz, b!, false, !tB), a!) : null;
    let db: Tensor | null = null;
    if (b!.requiresGrad && b!.rank < a!.rank && !tA) {
      // The batch sum of aᵢᵀ·gᵢ is one GEMM over the stacked rows.
      const a2 = reshape(a!, [-1, a!.shape[2]!]);
      const g2 = reshape(gz, [-1, gz.shape[2]!]);
      db = tB ? mm(g2, a2, true, false) : mm(a2, g2, true, false);
    } else if (b!.requiresGrad) {
      db = toShape(tB ? mm(gz, a!, true, tA) : mm(a!, gz, !tA, false), b!);
    }
    const dbias = bias?.requiresGrad ? sum(reshape(gz, [-1, gz.shape.at(-1)!]), 0) : null;
    return [da, db, dbias];
  },
};

/** The op with every option; `bias` is added per output column before the activation. */
export function gemm(a: Tensor, b: Tensor, attrs: Attrs, bias?: Tensor): Tensor {
  return apply(gemmOp, bias ? [a, b, bias] : [a, b], attrs);
}

/**
 * a·b for a [M,K]·[K,N] or batched [B,M,K]·[B,K,N]; either operand may be 2-D and is then
 * shared by the whole batch.
 * `transposeA` / `transposeB` use the stored transpose without copying it.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  return gemm(a, b, { transposeA: !!opts.transposeA, transposeB: !!opts.transposeB, activation: 'none', caller: 'matmul' });
}
