// Full-batch GD for S independent networks in one plan (shaders/nn/member-gd.wgsl): per-member
// step sizes, a stop rule evaluated on the GPU (so many steps run between read-backs), the loss
// history, and the path length Σ_t lr·‖g_t‖. Three effects per step, applied in this order:
// gdGate, gdUpdate per parameter, gdAdvance.
import source from '../../../shaders/nn/member-gd.wgsl';
import { fail } from '../../device/errors.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { requireDtype } from '../../kernels/elementwise/checks.js';
import { ELEMENTWISE_WG } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { inPlaceUpdate } from '../../kernels/optim/update.js';

const entry = (name: string) => new Kernel({ name: `nn/member-gd/${name}`, source, entry: name });
const kernels = { gate: entry('gate'), update: entry('update'), advance: entry('advance') };

/** The buffers of a group's GD, all leaves updated in place. */
export interface MemberGdBuffers {
  /** [S] step sizes. */
  lr: Tensor;
  /** [S, 4]: active, updates applied, path length, first loss. */
  track: Tensor;
  /** [1] u32: steps run. */
  clock: Tensor;
  /** [cap, S]: the loss of each member at each step. */
  history: Tensor;
  /** [layers, S]: each parameter's squared gradient norm this step. */
  gsq: Tensor;
}

const members = (b: MemberGdBuffers) => b.lr.shape[0]!;

/** Zero-filled uniforms, so each entry point gets every member of the shared struct. */
function uniforms(b: MemberGdBuffers, set: Partial<Record<'n' | 'size' | 'layer' | 'cap' | 'tmax' | 'rel_stop', number>>) {
  return { members: members(b), n: 0, size: 0, layer: 0, layers: b.gsq.shape[0]!, cap: b.history.shape[0]!, tmax: 0, rel_stop: 0, ...set };
}

export function checkBuffers(b: MemberGdBuffers): void {
  const s = members(b);
  const expect = (name: string, t: Tensor, shape: number[], dtype: 'f32' | 'u32') => {
    requireDtype(`member GD ${name}`, t, dtype);
    if (!sameShape(t.shape, shape)) fail(`member GD: ${name} must be ${fmt(shape)} for ${s} members, got ${fmt(t.shape)}`);
    if (t.kind !== 'leaf') fail(`member GD: ${name} must be a leaf (it is updated in place), got ${t}`);
  };
  expect('lr', b.lr, [s], 'f32');
  expect('track', b.track, [s, 4], 'f32');
  expect('clock', b.clock, [1], 'u32');
  expect('history', b.history, [b.history.shape[0]!, s], 'f32');
  expect('gsq', b.gsq, [b.gsq.shape[0]!, s], 'f32');
}

/**
 * Records each member's loss ½·mean((f − y)²) at this step and stops members whose loss is at
 * most `relStop` times their first loss (or not finite), and all of them at step `tmax`.
 * f and y are [S, n] (or [S, n, 1]).
 */
export function gdGate(f: Tensor, y: Tensor, b: MemberGdBuffers, opts: { relStop: number; tmax: number }): Tensor {
  checkBuffers(b);
  requireDtype('gdGate', f, 'f32');
  requireDtype('gdGate', y, 'f32');
  if (!sameShape(f.shape, y.shape) || f.shape[0] !== members(b)) {
    fail(`gdGate: predictions ${fmt(f.shape)} and targets ${fmt(y.shape)} must have the same shape, ${members(b)} members first`);
  }
  if (!(opts.relStop >= 0)) fail(`gdGate: relStop = ${opts.relStop} must be >= 0`);
  if (!Number.isInteger(opts.tmax) || opts.tmax < 0) fail(`gdGate: tmax = ${opts.tmax} must be a non-negative integer`);
  const n = f.numel / members(b);
  return inPlaceUpdate(kernels.gate, { f, y, track: b.track, clock: b.clock, history: b.history }, uniforms(b, { n, tmax: opts.tmax, rel_stop: opts.relStop }), {}, members(b));
}

/** param −= lr_s·active_s·grad per member s, and row `layer` of gsq = each member's ‖grad‖². */
export function gdUpdate(param: Tensor, grad: Tensor, b: MemberGdBuffers, layer: number): Tensor {
  requireDtype('gdUpdate', param, 'f32');
  requireDtype('gdUpdate', grad, 'f32');
  if (!sameShape(param.shape, grad.shape)) fail(`gdUpdate: gradient ${fmt(grad.shape)} differs from parameter ${fmt(param.shape)}`);
  if (param.shape[0] !== members(b)) fail(`gdUpdate: parameter ${fmt(param.shape)} must have the ${members(b)} members first`);
  if (!Number.isInteger(layer) || layer < 0 || layer >= b.gsq.shape[0]!) fail(`gdUpdate: layer ${layer} must index one of the ${b.gsq.shape[0]} gsq rows`);
  return inPlaceUpdate(
    kernels.update,
    { param, grad, track: b.track, lr: b.lr, gsq: b.gsq },
    uniforms(b, { size: param.numel / members(b), layer }),
    {},
    members(b) * ELEMENTWISE_WG,
  );
}

/** Adds lr·‖g‖ (all gsq rows jointly) to each active member's path, counts its update, moves the clock. */
export function gdAdvance(b: MemberGdBuffers): Tensor {
  return inPlaceUpdate(kernels.advance, { track: b.track, lr: b.lr, gsq: b.gsq, clock: b.clock }, uniforms(b, {}), {}, members(b));
}
