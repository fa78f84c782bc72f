// Forward and inverse negacyclic NTT of every row of a [..., k, N] residue tensor:
// shaders/fhe/ntt.wgsl. Stages that fit a workgroup tile run in one dispatch; wider
// stages run one global-memory dispatch each.
import modarith from '../../../shaders/fhe/modarith.wgsl';
import source from '../../../shaders/fhe/ntt.wgsl';
import type { BufferRef } from '../../device/dispatch.js';
import { Kernel } from '../../device/kernel.js';
import { apply, type Tensor, type LowerCtx, type OpDef } from '../../tensor/tensor.js';
import type { RnsContext } from './context.js';
import { polyLayout, rowGrid } from './layout.js';

const kernel = (entry: string) => new Kernel({ name: `fhe/ntt-${entry}`, source: [modarith, source], entry });
const KERNELS = {
  fwdStage: kernel('fwd_stage'),
  invStage: kernel('inv_stage'),
  fwdLocal: kernel('fwd_local'),
  invLocal: kernel('inv_local'),
};

/** Largest tile held in workgroup memory: 4096 u32 = 16 KiB, WebGPU's default limit. */
const NTT_MAX_TILE = 4096;
const WG = 256;

interface NttRun {
  ring: RnsContext;
  inverse: boolean;
  rows: number;
  k: number;
  base: number;
  src: BufferRef;
  dst: BufferRef;
  /** Ping-pong buffer for multi-pass transforms; may be `src` when src may be overwritten. */
  tmp: () => BufferRef;
}

/** Emits the dispatches of one transform (ping-ponging between dst and a temporary). */
function encodeNtt(ctx: LowerCtx, run: NttRun): void {
  const { ring, rows, k, base } = run;
  const n = ring.n;
  const tile = Math.min(n, NTT_MAX_TILE);
  const logTile = Math.log2(tile);
  const wg = Math.min(WG, tile / 2);
  // Spans t >= tile need global-memory stages (log2 t listed from small to large).
  const global = Array.from({ length: ring.logN - logTile }, (_, i) => logTile + i);
  // Forward: wide spans first (global), then the tile; inverse: the reverse.
  const passes: (number | 'local')[] = run.inverse ? ['local', ...global] : [...global.reverse(), 'local'];
  const tables = run.inverse ? ring.inverseTwiddles : ring.forwardTwiddles;
  let from = run.src;
  let tmp: BufferRef | null = null;
  passes.forEach((pass, i) => {
    // Choose the first target so the last pass lands in dst.
    const toDst = (passes.length - 1 - i) % 2 === 0;
    const to = toDst ? run.dst : (tmp ??= run.tmp());
    const local = pass === 'local';
    ctx.dispatch({
      kernel: local ? (run.inverse ? KERNELS.invLocal : KERNELS.fwdLocal) : run.inverse ? KERNELS.invStage : KERNELS.fwdStage,
      constants: local ? { WG: wg, TILE: tile } : { WG: wg },
      bind: { src: from, dst: to, tw: ctx.ref(tables), primes: ctx.ref(ring.primeRecords) },
      uniforms: { n, rows, k, base, log_t: local ? 0 : pass },
      workgroups: rowGrid(local ? n / tile : Math.ceil(n / 2 / wg), rows),
    });
    from = to;
  });
}

interface Attrs {
  ring: RnsContext;
  base: number;
  inverse: boolean;
}

const nttOp: OpDef<Attrs> = {
  name: 'fhe.ntt',
  infer([x], { ring, base, inverse }) {
    polyLayout(x!, ring, base, inverse ? 'intt' : 'ntt');
    return { shape: x!.shape, dtype: 'u32' };
  },
  lower(ctx, { inputs: [x], attrs }) {
    const { rows, k } = polyLayout(x!, attrs.ring, attrs.base, 'ntt');
    encodeNtt(ctx, {
      ...attrs, rows, k,
      src: ctx.ref(x!),
      dst: ctx.out,
      tmp: () => ctx.scratch(x!.bytes),
    });
  },
};

function transform(ring: RnsContext, x: Tensor, base: number, inverse: boolean): Tensor {
  // The tables are inputs so compiled plans keep their storage alive.
  const tables = inverse ? ring.inverseTwiddles : ring.forwardTwiddles;
  return apply(nttOp, [x, ring.primeRecords, tables], { ring, base, inverse });
}

/** Coefficients → evaluations (bit-reversed order) for every row of x: [..., k, N] over primes [base, base+k). */
export function ntt(ring: RnsContext, x: Tensor, base: number): Tensor {
  return transform(ring, x, base, false);
}

/** Evaluations (bit-reversed order) → coefficients. */
export function intt(ring: RnsContext, x: Tensor, base: number): Tensor {
  return transform(ring, x, base, true);
}
