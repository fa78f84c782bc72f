// Helpers shared by the kernel tests: the device, random inputs, poisoning, error norms.
import { init } from '../src/graph/runtime.js';

/** The engine with poisoning on: every op output starts as NaN, so unwritten elements fail. */
export async function gpu() {
  const rt = await init();
  rt.poison = true;
  return rt;
}

/** Deterministic uniform values in [lo, hi) from a tiny LCG (tests must not depend on Math.random). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

/** ‖out − ref‖ / ‖ref‖ in float64; NaN anywhere in `out` gives Infinity. */
export function relError(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (out.length !== ref.length) throw new Error(`length ${out.length} vs reference ${ref.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const o = out[i]!;
    if (!Number.isFinite(o) && Number.isFinite(ref[i]!)) return Infinity;
    num += (o - ref[i]!) ** 2;
    den += ref[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

