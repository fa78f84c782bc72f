// A code outside its table must poison the output, never run another op: each shader whose
// switch is generated from a CodeTable is run once with a known code and once with the first
// code past its table, on an output first filled with 7 (so an unwritten output shows as 7).
import { beforeAll, describe, expect, it } from 'vitest';
import fillSource from '../../shaders/elementwise/fill.wgsl';
import binarySource from '../../shaders/elementwise/binary.wgsl';
import unarySource from '../../shaders/elementwise/unary.wgsl';
import reduceSource from '../../shaders/reduce/reduce.wgsl';
import indexSource from '../../shaders/shape/broadcast-index.wgsl';
import { POISON_WGSL, type CodeTable } from '../../src/device/codes.js';
import { grid1d } from '../../src/device/grid.js';
import { Kernel, type Constants } from '../../src/device/kernel.js';
import type { UniformValue } from '../../src/device/uniforms.js';
import { BINARY_OPS } from '../../src/kernels/elementwise/binary.js';
import { UNARY_OPS } from '../../src/kernels/elementwise/unary.js';
import { REDUCE_OPS } from '../../src/kernels/reduce/reduce.js';
import { tensor } from '../../src/tensor/create.js';
import { apply, type OpDef, type Tensor } from '../../src/tensor/tensor.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

const fill = new Kernel({ name: 'test/fill', source: fillSource });

interface Run {
  kernel: Kernel;
  constants: Constants;
  inputs: Record<string, Tensor>;
  out: string;
  uniforms: Record<string, UniformValue>;
  n: number;
}

/** Fills an n-element output with 7, then runs the kernel into it. */
async function run({ kernel, constants, inputs, out, uniforms, n }: Run): Promise<Float32Array> {
  const names = Object.keys(inputs);
  const op: OpDef<null> = {
    name: 'codeProbe',
    infer: () => ({ shape: [n], dtype: 'f32' }),
    lower(ctx, { inputs: xs }) {
      ctx.dispatch({ kernel: fill, bind: { out: ctx.out }, uniforms: { n, value: 7 }, workgroups: grid1d(n) });
      const bind = Object.fromEntries(names.map((name, i) => [name, ctx.ref(xs[i]!)]));
      ctx.dispatch({ kernel, constants, bind: { ...bind, [out]: ctx.out }, uniforms, workgroups: grid1d(n) });
    },
  };
  return (await apply(op, Object.values(inputs), null).data()) as Float32Array;
}

const x = () => tensor([0.5, -1.5, 2, 3], [4]);
const y = () => tensor([1, 2, 3, 4], [4]);
const broadcast = { n: 4, shape_hi: [1, 1, 1, 1], shape_lo: [1, 1, 1, 4], a_strides_hi: [0, 0, 0, 0], a_strides_lo: [0, 0, 0, 1], b_strides_hi: [0, 0, 0, 0], b_strides_lo: [0, 0, 0, 1] };

const CASES: { shader: string; table: CodeTable<string>; known: [string, number[]]; probe: (code: number) => Run }[] = [
  {
    shader: 'unary.wgsl main',
    table: UNARY_OPS,
    known: ['neg', [-0.5, 1.5, -2, -3]],
    probe: (OP) => ({
      kernel: new Kernel({ name: 'test/unary', source: UNARY_OPS.withSource('test', POISON_WGSL, unarySource), entry: 'main' }),
      constants: { OP }, inputs: { x: x() }, out: 'out', uniforms: { n: 4, s: 0 }, n: 4,
    }),
  },
  {
    shader: 'unary.wgsl grad',
    table: UNARY_OPS,
    known: ['square', [1, -6, 12, 24]], // the gradient entry: g · 2x with g = [1, 2, 3, 4]
    probe: (OP) => ({
      kernel: new Kernel({ name: 'test/unary-grad', source: UNARY_OPS.withSource('test', POISON_WGSL, unarySource), entry: 'grad' }),
      constants: { OP }, inputs: { x: x(), g: y(), y: y() }, out: 'out', uniforms: { n: 4, s: 0 }, n: 4,
    }),
  },
  {
    shader: 'binary.wgsl',
    table: BINARY_OPS,
    known: ['sub', [-0.5, -3.5, -1, -1]],
    probe: (OP) => ({
      kernel: new Kernel({ name: 'test/binary', source: BINARY_OPS.withSource('test', POISON_WGSL, indexSource, binarySource) }),
      constants: { OP }, inputs: { a: x(), b: y() }, out: 'out', uniforms: broadcast, n: 4,
    }),
  },
  {
    shader: 'reduce.wgsl main',
    table: REDUCE_OPS,
    known: ['max', [2, 3]], // rows [0.5, -1.5] and [2, 3] of x seen as [2 rows, 2] reduced over the rows
    probe: (OP) => ({
      kernel: new Kernel({ name: 'test/reduce', source: REDUCE_OPS.withSource('test', POISON_WGSL, reduceSource), entry: 'main' }),
      constants: { OP }, inputs: { x: x() }, out: 'out', uniforms: { outer: 1, len: 2, inner: 2, chunk: 2, scale: 1 }, n: 2,
    }),
  },
];

describe('codes outside their table', () => {
  for (const { shader, table, known: [name, expected], probe } of CASES) {
    it(`${shader}: ${name} runs, code ${table.names.length} writes NaN`, async () => {
      expect(Array.from(await run(probe(table.code[name]!)))).toEqual(expected);
      const poisoned = await run(probe(table.names.length));
      expect(Array.from(poisoned, Number.isNaN)).toEqual(expected.map(() => true));
    });
  }
});
