// matmul: (batched) matrix products with optional transposes, bias and activation, as one op
// lowered to one GEMM dispatch (src/kernels/gemm/kernels.ts). Transposes are read in place by
// the kernels, so neither the forward nor the backward pass materialises one, and neither does
// the backward pass materialise the gradient through the activation: its GEMMs apply act' to
// the gradient as they load it.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { apply, Tensor, type LowerCtx, type OpDef } from '../../tensor/tensor.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { mul, reluGrad } from '../elementwise/binary.js';
import { requireDtype } from '../elementwise/checks.js';
import { rsubScalar, square } from '../elementwise/unary.js';
import { reducesInOnePass, sum } from '../reduce/reduce.js';
import { reshape } from '../shape/reshape.js';
import { dispatchGemm, type Activation, type GemmFlags, type GemmShape } from './kernels.js';

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
  const operands = operandType(a, b, caller);
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
  return { shape, operands, batched, broadcastA: batched && a.rank === 2, broadcastB: batched && b.rank === 2 };
}

/**
 * f32, or f16 when the caller passes both operands as f16 tensors (cast(x, 'f16') on an
 * adapter with shader-f16): the f16 GEMM reads them as f16, multiplies and sums in f32 and
 * writes f32. f32 operands are never rounded to f16 behind the caller's back. The f16 GEMM has
 * no gradient: train in f32.
 */
function operandType(a: Tensor, b: Tensor, caller: string): 'f32' | 'f16' {
  if (a.dtype !== 'f16' && b.dtype !== 'f16') {
    requireDtype(caller, a, 'f32');
    requireDtype(caller, b, 'f32');
    return 'f32';
  }
  if (a.dtype !== b.dtype) fail(`${caller}: ${a} and ${b} mix f16 and ${a.dtype === 'f16' ? b.dtype : a.dtype}; cast both to f16 or both to f32`);
  if (!runtime().gpu.has('shader-f16')) fail(`${caller}: f16 operands need the adapter feature 'shader-f16', which this adapter lacks; keep them in f32`);
  if (a.requiresGrad || b.requiresGrad) fail(`${caller}: f16 operands ${a}, ${b} have no gradient here; train in f32 (cast to f16 only for inference)`);
  return 'f16';
}

/** d loss / d (pre-activation), from the gradient and the activation's output. */
function activationGrad(activation: Activation, g: Tensor, y: Tensor): Tensor {
  switch (activation) {
    case 'relu': return reluGrad(y, g);
    case 'tanh': return mul(g, rsubScalar(square(y), 1));
    case 'sigmoid': return mul(g, mul(y, rsubScalar(y, 1)));
    case 'none': return g;
  }
}

type ThroughFlags = NonNullable<GemmFlags['through']>;

function lowerGemm(ctx: LowerCtx, a: Tensor, b: Tensor, bias: Tensor | undefined, attrs: Attrs, through?: { y: Tensor; flags: ThroughFlags }) {
  const { shape: s, operands, broadcastA, broadcastB } = gemmShape(a, b, bias, attrs);
  const strides = { aBatch: broadcastA ? 0 : s.m * s.k, bBatch: broadcastB ? 0 : s.k * s.n };
  // With one b for the whole batch and an untransposed a, the batch is just more rows.
  const shape = broadcastB && !attrs.transposeA ? { ...s, batch: 1, m: s.batch * s.m } : s;
  const refs = {
    a: ctx.ref(a),
    b: ctx.ref(b),
    c: ctx.out,
    ...(bias ? { bias: ctx.ref(bias) } : {}),
    ...(through ? { y: ctx.ref(through.y) } : {}),
  };
  dispatchGemm(ctx, refs, shape, strides, { ...attrs, operands, through: through?.flags });
}

function outShape(a: Tensor, b: Tensor, bias: Tensor | undefined, attrs: Attrs) {
  const { shape: s, batched } = gemmShape(a, b, bias, attrs);
  return { shape: batched ? [s.batch, s.m, s.n] : [s.m, s.n], dtype: 'f32' } as const;
}

interface ThroughAttrs extends Attrs {
  through: ThroughFlags;
}

/** op(a)·op(b) with the `through.operand` read as g ⊙ act'(y): backward GEMMs only (no gradient). */
const gemmThroughOp: OpDef<ThroughAttrs> = {
  name: 'gemmThroughActivation',
  infer([a, b, y], attrs) {
    const g = attrs.through.operand === 'a' ? a! : b!;
    if (!sameShape(y!.shape, g.shape)) {
      fail(`${attrs.caller}: activation output ${fmt(y!.shape)} must have the shape of the gradient operand ${attrs.through.operand} ${fmt(g.shape)}`);
    }
    requireDtype(attrs.caller, y!, 'f32');
    return outShape(a!, b!, undefined, attrs);
  },
  lower(ctx, { inputs: [a, b, y], attrs }) {
    lowerGemm(ctx, a!, b!, undefined, attrs, { y: y!, flags: attrs.through });
  },
};

/**
 * op(a)·op(b) where one operand, a gradient g, is used as g ⊙ act'(y), y being the output of
 * `activation` stored like g (for relu: g where y > 0, else 0). One dispatch; no gradient.
 */
export function gemmThroughActivation(a: Tensor, b: Tensor, y: Tensor, attrs: ThroughAttrs): Tensor {
  return apply(gemmThroughOp, [a, b, y], attrs);
}

/** An output gradient g not yet multiplied by act'(y): backward GEMMs read it that way. */
interface Through {
  g: Tensor;
  y: Tensor;
  activation: Activation;
}
type Operand = Tensor | Through;

/** As [rows, cols], batches stacked. */
function flat(x: Tensor): Tensor;
function flat(x: Through): Through;
function flat(x: Operand): Operand {
  const rows = (t: Tensor) => reshape(t, [-1, t.shape.at(-1)!]);
  return x instanceof Tensor ? rows(x) : { ...x, g: rows(x.g), y: rows(x.y) };
}

/** A GEMM of the backward pass: at most one operand is a gradient still to go through act'. */
function product(x: Operand, y: Operand, transposeA: boolean, transposeB: boolean): Tensor {
  const attrs = { transposeA, transposeB, activation: 'none', caller: 'matmul backward' } as const;
  const plain = (o: Operand) => (o instanceof Tensor ? o : o.g);
  const through = x instanceof Tensor ? (y instanceof Tensor ? null : y) : x;
  if (!through || through.activation === 'none') return gemm(plain(x), plain(y), attrs);
  const operand = through === x ? 'a' : 'b';
  return gemmThroughActivation(plain(x), plain(y), through.y, { ...attrs, through: { activation: through.activation, operand } });
}

// A bias gradient through an activation is a column sum of g ⊙ act'(y): a GEMM with a ones
// vector, one thread per column (as reduce's one-pass sum). Where reduce would switch to two
// passes (long columns, few of them), the gradient through the activation is materialised
// once instead, and reduce sums it.

const gemmOp: OpDef<Attrs> = {
  name: 'gemm',
  infer: ([a, b, bias], attrs) => outShape(a!, b!, bias, attrs),
  lower(ctx, { inputs: [a, b, bias], attrs }) {
    lowerGemm(ctx, a!, b!, bias, attrs);
  },
  backward(g, { inputs: [a, b, bias], attrs }, out) {
    const { transposeA: tA, transposeB: tB, activation } = attrs;
    const cols = out.shape.at(-1)!;
    const rows = out.numel / cols;
    // gz = g ⊙ act'(out), the gradient of the pre-activation, stays unmaterialised (see above).
    const materialise = activation !== 'none' && !!bias?.requiresGrad && !reducesInOnePass(rows, cols);
    const gz: Through = materialise ? { g: activationGrad(activation, g, out), y: out, activation: 'none' } : { g, y: out, activation };
    // A shared (2-D) operand gets the sum of its per-matrix gradients.
    const toShape = (d: Tensor, x: Tensor) => (x.rank < d.rank ? sum(d, 0) : d);
    // With A = op(a), B = op(b): dA = g·Bᵀ and dB = Aᵀ·g, written on the stored layouts.
    const da = a!.requiresGrad ? toShape(tA ? product(b!, gz, tB, true) : product(gz, b!, false, !tB), a!) : null;
    let db: Tensor | null = null;
    if (b!.requiresGrad && b!.rank < a!.rank && !tA) {
      // The batch sum of aᵢᵀ·gᵢ is one GEMM over the stacked rows.
      const a2 = flat(a!);
      const g2 = flat(gz);
      db = tB ? product(g2, a2, true, false) : product(a2, g2, true, false);
    } else if (b!.requiresGrad) {
      db = toShape(tB ? product(gz, a!, true, tA) : product(a!, gz, !tA, false), b!);
    }
    let dbias: Tensor | null = null;
    if (bias?.requiresGrad) {
      const g2 = flat(gz);
      dbias = gz.activation === 'none' ? sum(g2.g, 0) : reshape(product(g2, runtime().constant([rows, 1], 1), true, false), [cols]);
    }
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
