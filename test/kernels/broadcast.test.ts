// broadcastTo: one copy kernel through stride-0 dimensions, with sumTo as its gradient.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { broadcastTo } from '../../src/kernels/shape/broadcast.js';
import { cast } from '../../src/kernels/elementwise/cast.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

/** float64 reference: out[i] = x at i's coordinates, with size-1 (and missing) dims pinned to 0. */
function broadcastRef(x: ArrayLike<number>, from: number[], to: number[]): number[] {
  const n = to.reduce((a, b) => a * b, 1);
  const lead = to.length - from.length;
  return Array.from({ length: n }, (_, i) => {
    let r = i;
    let k = 0;
    let stride = 1;
    for (let d = to.length - 1; d >= lead; d--) {
      const c = r % to[d]!;
      r = Math.floor(r / to[d]!);
      const size = from[d - lead]!;
      if (size !== 1) k += c * stride;
      stride *= size;
    }
    return x[k]!;
  });
}

// Odd sizes, leading dims added, inner and outer broadcasts, and a 9-d case that must collapse.
const CASES: [number[], number[]][] = [
  [[3, 1], [3, 4]],
  [[1], [127]],
  [[7, 1, 5], [2, 7, 33, 5]],
  [[1, 65, 1], [3, 65, 7]],
  [[5], [3, 1, 5]],
  [[1, 2, 1, 3, 1, 2, 1, 3, 1], [2, 2, 3, 3, 1, 2, 2, 3, 3]],
];

describe('broadcastTo', () => {
  for (const [from, to] of CASES) {
    it(`[${from}] -> [${to}] matches float64 (outputs poisoned first)`, async () => {
      const x = randomArray(from.reduce((a, b) => a * b, 1), 31);
      const out = broadcastTo(tensor(x, from), to);
      expect([...out.shape]).toEqual(to);
      expect(Array.from(await out.data())).toEqual(broadcastRef(x, from, to));
    });
  }

  it('copies u32 and i32 bits unchanged', async () => {
    const u = [0, 1, 0xffffffff, 0x7fc00000, 12345];
    expect(Array.from(await broadcastTo(tensor(u, [5, 1], 'u32'), [5, 3]).data())).toEqual(broadcastRef(u, [5, 1], [5, 3]));
    const i = [-7, 2147483647, -2147483648];
    expect(Array.from(await broadcastTo(tensor(i, [3], 'i32'), [2, 3]).data())).toEqual([...i, ...i]);
  });

  it('gradient is sumTo (finite differences)', async () => {
    await gradcheck(([t]) => broadcastTo(t!, [4, 3, 5]), [{ data: randomArray(3, 25), shape: [3, 1] }]);
    await gradcheck(([t]) => broadcastTo(t!, [2, 7, 9, 5]), [{ data: randomArray(35, 26), shape: [7, 1, 5] }]);
  });

  it('is one dispatch in a compiled step', async () => {
    const step = await compile({ x: { shape: [7, 1, 5] } }, ({ x }) => ({ y: broadcastTo(x!, [2, 7, 33, 5]) }));
    expect(step.dispatchCount).toBe(1);
    const x = randomArray(35, 27);
    const { y } = await step.run({ x }, { read: ['y'] });
    expect(Array.from(y!)).toEqual(broadcastRef(x, [7, 1, 5], [2, 7, 33, 5]));
    step.dispose();
  });

  it('rejects shapes that do not broadcast and packed dtypes, saying what to do', () => {
    expect(() => broadcastTo(tensor(randomArray(6, 1), [2, 3]), [2, 4])).toThrow(/broadcastTo: shapes \[2,3\] and \[2,4\] do not broadcast/);
    expect(() => broadcastTo(tensor(randomArray(6, 1), [2, 3]), [4, 1, 3])).toThrow(/does not broadcast to \[4,1,3\]; every dimension must match or be 1/);
    expect(() => broadcastTo(tensor(randomArray(6, 1), [6]), [2, 3])).toThrow(/do not broadcast/);
    if (!runtime().gpu.has('shader-f16')) return;
    expect(() => broadcastTo(cast(tensor([1, 2], [2]), 'f16'), [3, 2])).toThrow(/is f16, packed several to a word; cast it to f32 first/);
  });
});
