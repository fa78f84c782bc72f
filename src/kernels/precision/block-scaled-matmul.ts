// Block-scaled FP8 matmul (shaders/precision/block-scaled-gemm.wgsl), the FP8 mode of current
// practice beside Wang et al.'s chunked FP16 one: f32 operands quantised per block with
// power-of-two scales (block-exponent.wgsl, into scratch buffers of the same op), E4M3 for
// forward tensors and E5M2 for gradients, 128 products per narrow partial sum, each promoted
// into an f32 total. Its gradient is two more of it: the output gradient in E5M2, 1×128 blocks
// along each GEMM's reduction. The CPU twin and the choices: src/precision/block-scaled.ts.
import grid from '../../../shaders/precision/grid.wgsl';
import exponentSource from '../../../shaders/precision/block-exponent.wgsl';
import gemmSource from '../../../shaders/precision/block-scaled-gemm.wgsl';
import { fail } from '../../device/errors.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import type { BufferRef } from '../../device/dispatch.js';
import { ACCUMULATOR, FORWARD_FORMAT, GRADIENT_FORMAT, blockOfA, blockOfB, type BlockShape } from '../../precision/block-scaled.js';
import { gridConstants, type FloatFormat } from '../../precision/format.js';
import { ROUNDING } from '../../precision/round.js';
import { fmt } from '../../tensor/shape.js';
import { apply, type LowerCtx, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { gemmTile } from './lowp-matmul.js';

const exponentKernel = new Kernel({ name: 'precision/block-exponent', source: exponentSource });
const gemmKernel = new Kernel({ name: 'precision/block-scaled-gemm', source: ROUNDING.withSource('precision/block-scaled-gemm', grid, gemmSource) });

export interface BlockScaledMatmulOptions {
  /** Use aᵀ: a is stored [K, M]. No gradient flows through a transposed a. */
  transposeA?: boolean;
  /** Use bᵀ: b is stored [N, K] (a linear layer's weight). */
  transposeB?: boolean;
  /** b's blocks: 128×128 tiles (true, weights: the default) or 128×1 columns along K (activations). */
  tileB?: boolean;
  /** Grids of a and b (E4M3 by default) and of the output gradient in the backward GEMMs (E5M2). */
  formatA?: FloatFormat;
  formatB?: FloatFormat;
  gradientFormat?: FloatFormat;
}

type Attrs = Required<BlockScaledMatmulOptions>;

function shapeOf(a: Tensor, b: Tensor, attrs: Attrs): { m: number; n: number; k: number } {
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.dtype !== 'f32') fail(`blockScaledMatmul: ${name} ${t} has dtype ${t.dtype}; pass f32 values (the op quantises them per block)`);
    if (t.rank !== 2) fail(`blockScaledMatmul: ${name} ${fmt(t.shape)} must be 2-D [rows, cols]`);
  }
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const [m, ka] = attrs.transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = attrs.transposeB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    fail(`blockScaledMatmul: inner dimensions differ: a${attrs.transposeA ? 'ᵀ' : ''} ${fmt(a.shape)} has K=${ka} but b${attrs.transposeB ? 'ᵀ' : ''} ${fmt(b.shape)} has K=${kb}`);
  }
  return { m, n, k: ka };
}

interface Blocked {
  exps: BufferRef;
  block: BlockShape;
  perRow: number;
}

/** Dispatches the block exponents of a stored [rows, cols] matrix into a scratch buffer. */
function exponents(ctx: LowerCtx, x: BufferRef, rows: number, cols: number, block: BlockShape, format: FloatFormat): Blocked {
  const perRow = Math.ceil(cols / block.cols);
  const blocks = Math.ceil(rows / block.rows) * perRow;
  const exps = ctx.scratch(blocks * 4);
  ctx.dispatch({
    kernel: exponentKernel,
    constants: { FMT_MAX: gridConstants(format).maxBits },
    bind: { x, exps },
    uniforms: { rows, cols, block_rows: block.rows, block_cols: block.cols, blocks_per_row: perRow, blocks },
    workgroups: grid1d(blocks, 1),
  });
  return { exps, block, perRow };
}

function formatConstants(prefix: string, format: FloatFormat): Record<string, number> {
  const g = gridConstants(format);
  return { [`${prefix}_E`]: g.expBits, [`${prefix}_M`]: g.man, [`${prefix}_EMIN`]: g.emin, [`${prefix}_MAX`]: g.maxBits };
}

const blockScaledMatmulOp: OpDef<Attrs> = {
  name: 'blockScaledMatmul',
  infer([a, b], attrs) {
    const { m, n } = shapeOf(a!, b!, attrs);
    return { shape: [m, n], dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b], attrs }) {
    const { m, n, k } = shapeOf(a!, b!, attrs);
    const [ar, ac] = a!.shape as [number, number];
    const [br, bc] = b!.shape as [number, number];
    const ea = exponents(ctx, ctx.ref(a!), ar, ac, blockOfA(attrs.transposeA), attrs.formatA);
    const eb = exponents(ctx, ctx.ref(b!), br, bc, blockOfB(attrs.transposeB, attrs.tileB), attrs.formatB);
    const tile = gemmTile(m, n);
    ctx.dispatch({
      kernel: gemmKernel,
      constants: { ...formatConstants('A', attrs.formatA), ...formatConstants('B', attrs.formatB), ...formatConstants('ACC', ACCUMULATOR), ...tile },
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), ea: ea.exps, eb: eb.exps, c: ctx.out },
      uniforms: {
        m,
        n,
        k,
        trans_a: attrs.transposeA ? 1 : 0,
        trans_b: attrs.transposeB ? 1 : 0,
        a_block_rows: ea.block.rows,
        a_block_cols: ea.block.cols,
        a_blocks_per_row: ea.perRow,
        b_block_rows: eb.block.rows,
        b_block_cols: eb.block.cols,
        b_blocks_per_row: eb.perRow,
      },
      workgroups: [Math.ceil(n / (4 * tile.TX)), Math.ceil(m / (4 * tile.TY)), 1],
    });
  },
  backward(g, { inputs: [a, b], attrs }) {
    if (attrs.transposeA) fail('blockScaledMatmul: no gradient through a transposed a; pass the activations as a stored [M, K]');
    const tB = attrs.transposeB;
    const again = (x: Tensor, y: Tensor, over: Partial<Attrs>) => apply(blockScaledMatmulOp, [x, y], { ...attrs, ...over });
    const gf = attrs.gradientFormat;
    // c = a · op(b). da = g · op(b)ᵀ: g in 1×128 blocks along N, b in its own blocks and format.
    const da = a!.requiresGrad ? again(g, b!, { transposeA: false, transposeB: !tB, formatA: gf }) : null;
    // d op(b) = aᵀ · g, reduced over M: the A-role operand in 1×128 blocks along M, the B-role one
    // in 128×1 columns along M; written in b's stored layout.
    const db = !b!.requiresGrad
      ? null
      : tB
        ? again(g, a!, { transposeA: true, transposeB: false, tileB: false, formatA: gf, formatB: attrs.formatA })
        : again(a!, g, { transposeA: true, transposeB: false, tileB: false, formatA: attrs.formatA, formatB: gf });
    return [da, db];
  },
};

/** op(a) · op(b) [M, N], f32, from f32 operands quantised to block-scaled FP8 inside the op. */
export function blockScaledMatmul(a: Tensor, b: Tensor, opts: BlockScaledMatmulOptions = {}): Tensor {
  return apply(blockScaledMatmulOp, [a, b], {
    transposeA: opts.transposeA ?? false,
    transposeB: opts.transposeB ?? false,
    tileB: opts.tileB ?? true,
    formatA: opts.formatA ?? FORWARD_FORMAT,
    formatB: opts.formatB ?? FORWARD_FORMAT,
    gradientFormat: opts.gradientFormat ?? GRADIENT_FORMAT,
  });
}
