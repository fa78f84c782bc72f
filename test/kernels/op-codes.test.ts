// A code outside its table must poison the output, never run another op. Each op whose shader
// switches over a CodeTable is rerun through its own lowering (so with its own kernel and
// sources) with the OP constant swapped, into an output first filled with 7 by the fill op: a
// known code reproduces the op, the first code past the table writes NaN everywhere (an
// unwritten output would read 7).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeTable } from '../../src/device/codes.js';
import { BINARY_OPS, sub } from '../../src/kernels/elementwise/binary.js';
import { fill } from '../../src/kernels/elementwise/fill.js';
import { neg, square, UNARY_OPS } from '../../src/kernels/elementwise/unary.js';
import { max, REDUCE_OPS, sumAll } from '../../src/kernels/reduce/reduce.js';
import { tensor } from '../../src/tensor/create.js';
import { apply, type OpDef, type Tensor } from '../../src/tensor/tensor.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

/** The values of `made`'s op rerun on `inputs` with OP = `code`. */
async function rerun(made: Tensor, inputs: Tensor[], code: number): Promise<number[]> {
  const real = made.node!;
  const probe: OpDef<null> = {
    name: `${real.op.name} with OP ${code}`,
    infer: () => ({ shape: made.shape, dtype: 'f32' }),
    lower(ctx, { inputs: xs }, out) {
      const sevens = fill(made.shape, 7).node!;
      sevens.op.lower(ctx, sevens, out);
      const recoded = { ...ctx, dispatch: (spec: Parameters<typeof ctx.dispatch>[0]) => ctx.dispatch({ ...spec, constants: { ...spec.constants, OP: code } }) };
      real.op.lower(recoded, { ...real, inputs: xs }, out);
    },
  };
  return Array.from(await apply(probe, inputs, null).data());
}

interface Case {
  what: string;
  table: CodeTable<string>;
  /** The op's output (its node keeps the op and attrs) and the inputs to rerun it on. */
  make: () => Promise<{ made: Tensor; kind: string; inputs: Tensor[] }>;
}

const x = () => tensor([0.5, -1.5, 2, 3], [4]);
const y = () => tensor([1, 2, 3, 4], [4]);

const CASES: Case[] = [
  { what: 'unary.wgsl main (neg)', table: UNARY_OPS, make: async () => ({ made: neg(x()), kind: 'neg', inputs: [x()] }) },
  {
    what: 'unary.wgsl grad (square)',
    table: UNARY_OPS,
    make: async () => {
      const leaf = x().trainable();
      sumAll(square(leaf)).backward();
      // The gradient's inputs: g, x and the forward output y.
      return { made: leaf.grad!, kind: 'square', inputs: [tensor([1, 1, 1, 1], [4]), x(), square(x())] };
    },
  },
  { what: 'binary.wgsl (sub)', table: BINARY_OPS, make: async () => ({ made: sub(x(), y()), kind: 'sub', inputs: [x(), y()] }) },
  {
    what: 'reduce.wgsl main (max)',
    table: REDUCE_OPS,
    make: async () => {
      const m = tensor([0.5, -1.5, 2, 3], [2, 2]);
      return { made: max(m, 1), kind: 'max', inputs: [m] };
    },
  },
];

describe('codes outside their table', () => {
  for (const { what, table, make } of CASES) {
    it(`${what}: its own code reproduces it, code ${table.names.length} writes NaN`, async () => {
      const { made, kind, inputs } = await make();
      expect(await rerun(made, inputs, table.code[kind]!)).toEqual(Array.from(await made.data()));
      const poisoned = await rerun(made, inputs, table.names.length);
      expect(poisoned.map(Number.isNaN)).toEqual(poisoned.map(() => true));
    });
  }
});
