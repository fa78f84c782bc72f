import { beforeAll, describe, expect, it } from 'vitest';
import { LabelRangeError } from '../../src/device/errors.js';
import { compile } from '../../src/graph/compile.js';
import { argmax, countCorrect } from '../../src/kernels/loss/argmax.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { mseLoss, sigmoidBce } from '../../src/kernels/loss/pointwise.js';
import { ONE_DISPATCH_TERMS, type Reduction } from '../../src/kernels/loss/reduction.js';
import { logSoftmax, softmax } from '../../src/kernels/loss/softmax.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';
import { gRowOf, labelsFor, logSoftmaxRef, reduce, REDUCTIONS, u32 } from './loss-reference.js';

beforeAll(gpu);

// f32 bound for every loss kernel against float64, as ‖out − ref‖ / ‖ref‖: 1e-5 (sums of up
// to 1000 exponentials and the log of them, for logits up to ±80).
const F32_LOSS = 1e-5;

// ---- float64 references ------------------------------------------------------------------

/** Index of each row's maximum, the first on ties. */
function argmaxRef(x: Float32Array, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let j = 1; j < cols; j++) if (x[r * cols + j]! > x[r * cols + best]!) best = j;
    return best;
  });
}

function crossEntropyRef(x: Float32Array, labels: Uint32Array, cols: number): Float64Array {
  const ls = logSoftmaxRef(x, labels.length, cols);
  return Float64Array.from(labels, (y, r) => -ls[r * cols + y]!);
}

/** (softmax − onehot) · g_r, with g_r the gradient reaching row r. */
function crossEntropyGradRef(x: Float32Array, labels: Uint32Array, cols: number, gRow: (r: number) => number): Float64Array {
  const ls = logSoftmaxRef(x, labels.length, cols);
  return ls.map((l, i) => {
    const r = Math.floor(i / cols);
    return (Math.exp(l) - (i % cols === labels[r] ? 1 : 0)) * gRow(r);
  });
}

/** Moves `axis` of a [a, b, c]-style shape last, so the row references apply. */
function axisLast(x: ArrayLike<number>, shape: number[], axis: number): { data: Float64Array; back: (y: Float64Array) => Float64Array } {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const at = (o: number, k: number, i: number) => (o * len + k) * inner + i;
  const data = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) for (let k = 0; k < len; k++) data[(o * inner + i) * len + k] = x[at(o, k, i)]!;
  const back = (y: Float64Array) => {
    const out = new Float64Array(y.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) for (let k = 0; k < len; k++) out[at(o, k, i)] = y[(o * inner + i) * len + k]!;
    return out;
  };
  return { data, back };
}

// ---- softmax cross-entropy ---------------------------------------------------------------

describe('softmaxCrossEntropy', () => {
  const batches = [1, 7, 33];
  const classes = [2, 10, 127, 1000];

  it('matches float64 for every reduction, batch in {1,7,33} and classes in {2,10,127,1000}', async () => {
    for (const B of batches) {
      for (const C of classes) {
        const x = randomArray(B * C, B * 1000 + C, -4, 4);
        const y = labelsFor(B, C, C + B);
        const terms = crossEntropyRef(x, y, C);
        for (const reduction of REDUCTIONS) {
          const out = softmaxCrossEntropy(tensor(x, [B, C]), u32(y), reduction);
          expect([...out.shape]).toEqual(reduction === 'none' ? [B] : [1]);
          expect(relError(await out.data(), reduce(terms, reduction)), `B=${B} C=${C} ${reduction}`).toBeLessThan(F32_LOSS);
        }
      }
    }
  });

  it('backward is (softmax − onehot) · g, scaled per reduction, for every size', async () => {
    for (const B of batches) {
      for (const C of classes) {
        const x = randomArray(B * C, B * 77 + C, -4, 4);
        const y = labelsFor(B, C, C * 3 + B);
        const seed = randomArray(B, B + C, 0.5, 1.5);
        for (const reduction of REDUCTIONS) {
          const logits = tensor(x, [B, C]).trainable();
          const loss = softmaxCrossEntropy(logits, u32(y), reduction);
          loss.backward(reduction === 'none' ? tensor(seed, [B]) : undefined);
          const ref = crossEntropyGradRef(x, y, C, gRowOf(reduction, B, seed));
          expect(relError(await logits.grad!.data(), ref), `B=${B} C=${C} ${reduction}`).toBeLessThan(F32_LOSS);
        }
      }
    }
  });

  // 120 is past f32's exp overflow (88.7), so only a max-subtracted kernel passes.
  for (const mag of [80, 120]) {
    it(`stays finite and accurate for logits of magnitude ${mag}, forward and backward`, async () => {
      const [B, C] = [33, 127];
      const x = randomArray(B * C, 5, -mag, mag);
      const y = labelsFor(B, C, 6);
      // Every third row is predicted right, where the loss is small and cancellation bites.
      const pred = argmaxRef(x, B, C);
      for (let r = 0; r < B; r += 3) y[r] = pred[r]!;
      const logits = tensor(x, [B, C]).trainable();
      const out = await softmaxCrossEntropy(logits, u32(y), 'none').data();
      expect(out.every(Number.isFinite)).toBe(true);
      expect(relError(out, crossEntropyRef(x, y, C))).toBeLessThan(F32_LOSS);
      softmaxCrossEntropy(logits, u32(y)).backward();
      const grad = await logits.grad!.data();
      expect(grad.every(Number.isFinite)).toBe(true);
      expect(relError(grad, crossEntropyGradRef(x, y, C, () => 1 / B))).toBeLessThan(F32_LOSS);
    });
  }

  it('gradient matches finite differences for every reduction', async () => {
    const y = u32([3, 0, 9, 4, 4, 1, 7]);
    for (const reduction of REDUCTIONS) {
      // Labels are a u32 constant closed over (gradcheck makes its inputs f32).
      await gradcheck(([x]) => softmaxCrossEntropy(x!, y, reduction), [{ data: randomArray(70, 21, -3, 3), shape: [7, 10] }], {
        eps: 1e-2,
      });
    }
  });

  it('throws LabelRangeError for a label out of range: that row has a NaN loss and no gradient, the others are untouched', async () => {
    const [B, C] = [7, 10];
    const x = randomArray(B * C, 31, -2, 2);
    const y = labelsFor(B, C, 32);
    const bad = Uint32Array.from(y);
    bad[2] = C;
    bad[5] = 0xffffffff;
    const ref = crossEntropyRef(x, y, C);
    const logits = tensor(x, [B, C]).trainable();
    const terms = softmaxCrossEntropy(logits, u32(bad), 'none');
    const err = await terms.data().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabelRangeError);
    expect(String(err)).toMatch(/softmaxCrossEntropy\(f32\[7,10\], u32\[7\]\) via kernel loss\/cross-entropy: label 4294967295 is outside \[0, 10\)/);
    // The fault is reported once; the values themselves stay readable.
    const none = await terms.data();
    [...none].forEach((v, r) => (r === 2 || r === 5 ? expect(v).toBeNaN() : expect(v).toBeCloseTo(ref[r]!, 5)));
    await expect(softmaxCrossEntropy(logits, u32(bad)).item()).rejects.toThrow(LabelRangeError);
    softmaxCrossEntropy(logits, u32(bad), 'sum').backward();
    await expect(logits.grad!.data()).rejects.toThrow(/softmaxCrossEntropy.*label 4294967295/);
    const grad = await logits.grad!.data();
    const gradRef = crossEntropyGradRef(x, y, C, () => 1);
    grad.forEach((v, i) => {
      const r = Math.floor(i / C);
      if (r === 2 || r === 5) expect(v).toBe(0);
      else expect(v).toBeCloseTo(gradRef[i]!, 5);
    });
  });

  it('runs inside a compiled step (scratch buffers, u32 placeholder), with countCorrect', async () => {
    const [B, C] = [33, 10];
    const x = randomArray(B * C, 41, -3, 3);
    const y = labelsFor(B, C, 42);
    const w = tensor(x, [B, C]).trainable();
    const step = await compile({ y: { shape: [B], dtype: 'u32' } }, ({ y: labels }) => {
      const loss = softmaxCrossEntropy(w, labels!);
      loss.backward();
      return { loss, grad: w.grad!, hits: countCorrect(w, labels!) };
    });
    const out = await step.run({ y }, { read: ['loss', 'grad', 'hits'] });
    expect(relError(out.loss!, reduce(crossEntropyRef(x, y, C), 'mean'))).toBeLessThan(F32_LOSS);
    expect(relError(out.grad!, crossEntropyGradRef(x, y, C, () => 1 / B))).toBeLessThan(F32_LOSS);
    const pred = argmaxRef(x, B, C);
    expect(out.hits![0]).toBe(pred.filter((p, r) => p === y[r]).length);
    step.dispose();
  });

  // Up to ONE_DISPATCH_TERMS rows one workgroup computes and totals the losses (one dispatch);
  // past it the rows spread over many workgroups and loss/sum adds them. Both sides of the edge.
  // Rows of more than 1024 classes always take two dispatches (the last case).
  it('mean and sum match float64 for batches on both sides of the one-dispatch limit', async () => {
    const sizes: [number, number][] = [[ONE_DISPATCH_TERMS - 1, 10], [ONE_DISPATCH_TERMS, 10], [ONE_DISPATCH_TERMS + 1, 10], [4 * ONE_DISPATCH_TERMS + 3, 10], [65, 1025]];
    for (const [B, C] of sizes) {
      const x = randomArray(B * C, B + 5, -4, 4);
      const y = labelsFor(B, C, B + 6);
      const terms = crossEntropyRef(x, y, C);
      for (const reduction of ['mean', 'sum'] as const) {
        const out = await softmaxCrossEntropy(tensor(x, [B, C]), u32(y), reduction).data();
        expect(relError(out, reduce(terms, reduction)), `B=${B} C=${C} ${reduction}`).toBeLessThan(F32_LOSS);
      }
    }
  });

  it('is one dispatch for a batch of 128, the same value every run, and throws for a bad label', async () => {
    const [B, C] = [128, 10];
    const x = randomArray(B * C, 301, -4, 4);
    const y = labelsFor(B, C, 302);
    const step = await compile({ y: { shape: [B], dtype: 'u32' } }, ({ y: labels }) => ({ loss: softmaxCrossEntropy(tensor(x, [B, C]), labels!) }));
    expect(step.dispatchCount).toBe(1);
    const first = (await step.run({ y }, { read: ['loss'] })).loss![0]!;
    expect(relError([first], reduce(crossEntropyRef(x, y, C), 'mean'))).toBeLessThan(F32_LOSS);
    expect((await step.run({ y }, { read: ['loss'] })).loss![0]).toBe(first);
    const bad = Uint32Array.from(y);
    bad[B - 1] = C;
    await expect(step.run({ y: bad }, { read: ['loss'] })).rejects.toThrow(/loss\/cross-entropy-total: label 10 is outside \[0, 10\)/);
    expect((await step.run({ y }, { read: ['loss'] })).loss![0]).toBe(first);
    step.dispose();
  });

  it('rejects labels of the wrong dtype or length and bad logits, saying what to do', () => {
    const logits = tensor(randomArray(21, 1), [7, 3]);
    expect(() => softmaxCrossEntropy(logits, tensor(randomArray(7, 2, 0, 3), [7]))).toThrow(/labels .* are f32; class indices must be u32: tensor\(Uint32Array\.from\(ys\), \[7\], 'u32'\)/);
    expect(() => softmaxCrossEntropy(logits, u32([0, 1, 2]))).toThrow(/labels have shape \[3\], but logits \[7,3\] need one label per row: \[7\]/);
    expect(() => softmaxCrossEntropy(tensor(randomArray(21, 1), [21]), u32([0]))).toThrow(/must be 2-d \[batch, classes\]/);
    expect(() => softmaxCrossEntropy(logits, u32([0, 1, 2, 0, 1, 2, 0]), 'avg' as Reduction)).toThrow(/reduction 'avg' is not one of 'mean', 'sum', 'none'/);
  });
});

// ---- softmax and log-softmax -------------------------------------------------------------

describe('softmax and logSoftmax', () => {
  const cases: [number[], number, number][] = [
    // shape, axis, magnitude
    [[7, 127], -1, 4],
    [[33, 1000], -1, 4],
    [[1, 2], -1, 80],
    [[7, 33], -1, 120],
    [[3, 5, 7], 1, 4],
    [[5, 3], 0, 80],
  ];
  for (const [name, fn, ref] of [
    ['logSoftmax', logSoftmax, (l: Float64Array) => l],
    ['softmax', softmax, (l: Float64Array) => l.map(Math.exp)],
  ] as const) {
    it(`${name} matches float64 on odd shapes, inner axes and logits of magnitude 80`, async () => {
      for (const [shape, axis, mag] of cases) {
        const n = shape.reduce((p, d) => p * d, 1);
        const x = randomArray(n, n + mag, -mag, mag);
        const a = axis < 0 ? shape.length + axis : axis;
        const { data, back } = axisLast(x, shape, a);
        const expected = back(ref(logSoftmaxRef(data, n / shape[a]!, shape[a]!)));
        const out = await fn(tensor(x, shape), axis).data();
        expect(out.every(Number.isFinite)).toBe(true);
        expect(relError(out, expected), `${shape} axis ${axis}`).toBeLessThan(F32_LOSS);
      }
    });

    it(`${name} gradient matches finite differences (last and first axis)`, async () => {
      await gradcheck(([x]) => fn(x!), [{ data: randomArray(35, 51, -2, 2), shape: [5, 7] }], { eps: 1e-2 });
      await gradcheck(([x]) => fn(x!, 0), [{ data: randomArray(35, 52, -2, 2), shape: [5, 7] }], { eps: 1e-2 });
    });
  }

  it('rejects an axis out of range', () => {
    expect(() => softmax(tensor(randomArray(6, 1), [2, 3]), 2)).toThrow(/softmax: axis 2 is out of range for rank 2/);
  });
});

// ---- MSE and BCE with logits -------------------------------------------------------------

describe('mseLoss and sigmoidBce', () => {
  const mse = (p: number, t: number) => (p - t) ** 2;
  // −t log σ(x) − (1 − t) log(1 − σ(x)), in a form float64 keeps accurate for any |x|.
  const bce = (x: number, t: number) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
  const shape = [7, 33];
  const n = 7 * 33;

  for (const [name, fn, ref, mag] of [
    ['mseLoss', mseLoss, mse, 2],
    ['sigmoidBce', sigmoidBce, bce, 6],
  ] as const) {
    it(`${name} matches float64 for every reduction`, async () => {
      const a = randomArray(n, 61, -mag, mag);
      const b = randomArray(n, 62, name === 'sigmoidBce' ? 0 : -mag, name === 'sigmoidBce' ? 1 : mag);
      const terms = Float64Array.from(a, (v, i) => ref(v, b[i]!));
      for (const reduction of REDUCTIONS) {
        const out = fn(tensor(a, shape), tensor(b, shape), reduction);
        expect([...out.shape]).toEqual(reduction === 'none' ? shape : [1]);
        expect(relError(await out.data(), reduce(terms, reduction)), reduction).toBeLessThan(F32_LOSS);
      }
    });

    it(`${name} gradient matches finite differences for both inputs and every reduction`, async () => {
      for (const reduction of REDUCTIONS) {
        await gradcheck(([p, t]) => fn(p!, t!, reduction), [
          { data: randomArray(21, 71, -2, 2), shape: [3, 7] },
          { data: randomArray(21, 72, 0.1, 0.9), shape: [3, 7] },
        ], { eps: 1e-2 });
      }
    });
  }

  it('sigmoidBce keeps the tiny losses of confident, correct predictions accurate', async () => {
    // Loss log(1 + e^x) ≈ e^x for x in [-30, -10] and t = 0: log(1 + z) rounds z away; log1p must not.
    const x = randomArray(n, 83, -30, -10);
    const t = new Float32Array(n);
    const out = await sigmoidBce(tensor(x, shape), tensor(t, shape), 'none').data();
    expect(relError(out, Float64Array.from(x, (v) => bce(v, 0)))).toBeLessThan(F32_LOSS);
  });

  it('sigmoidBce stays finite and accurate for logits of magnitude 80, with its gradient', async () => {
    const x = randomArray(n, 81, -80, 80);
    const t = randomArray(n, 82, 0, 1);
    const logits = tensor(x, shape).trainable();
    const out = await sigmoidBce(logits, tensor(t, shape), 'none').data();
    expect(relError(out, Float64Array.from(x, (v, i) => bce(v, t[i]!)))).toBeLessThan(F32_LOSS);
    sigmoidBce(logits, tensor(t, shape), 'sum').backward();
    const ref = Float64Array.from(x, (v, i) => 1 / (1 + Math.exp(-v)) - t[i]!);
    expect(relError(await logits.grad!.data(), ref)).toBeLessThan(F32_LOSS);
  });

  it('gives no gradient to a target that does not require one', async () => {
    const p = tensor(randomArray(7, 91), [7]).trainable();
    const t = tensor(randomArray(7, 92), [7]);
    mseLoss(p, t).backward();
    expect(t.grad).toBeNull();
    expect(p.grad).not.toBeNull();
  });

  it('rejects mismatched shapes and non-f32 inputs', () => {
    expect(() => mseLoss(tensor(randomArray(6, 1), [2, 3]), tensor(randomArray(6, 1), [3, 2]))).toThrow(
      /mseLoss: prediction \[2,3\] and target \[3,2\] must have the same shape/,
    );
    expect(() => sigmoidBce(tensor(randomArray(3, 1), [3]), u32([0, 1, 1]))).toThrow(/sigmoidBce: .* has dtype u32; this op takes f32/);
  });
});

// ---- argmax and countCorrect -------------------------------------------------------------

describe('argmax and countCorrect', () => {
  it('argmax matches the CPU on odd sizes, ties going to the lowest index', async () => {
    for (const [B, C] of [[1, 2], [7, 10], [33, 127], [7, 1000]] as const) {
      const x = randomArray(B * C, B + C, -5, 5);
      // A tie for the row maximum in the last row.
      const last = (B - 1) * C;
      x[last + C - 1] = 9;
      x[last + Math.floor(C / 2)] = 9;
      const out = argmax(tensor(x, [B, C]));
      expect(out.dtype).toBe('u32');
      expect([...(await out.data())]).toEqual(argmaxRef(x, B, C));
    }
  });

  it('countCorrect counts rows whose argmax is the label; out-of-range labels never count', async () => {
    for (const [B, C] of [[1, 2], [33, 10], [65, 1000]] as const) {
      const x = randomArray(B * C, B * C, -5, 5);
      const pred = argmaxRef(x, B, C);
      // About half right, the rest random (some right by chance), one out of range.
      const y = labelsFor(B, C, B + 3).map((v, r) => (r % 2 === 0 ? pred[r]! : v));
      if (B > 1) y[1] = C + 5;
      const expected = y.reduce((k, v, r) => k + (v === pred[r] ? 1 : 0), 0);
      expect(expected).toBeGreaterThan(0);
      expect(await countCorrect(tensor(x, [B, C]), u32(y)).item()).toBe(expected);
    }
  });

  it('rejects bad shapes and label dtypes', () => {
    expect(() => argmax(tensor(randomArray(24, 1), [2, 3, 4]))).toThrow(/argmax: logits .* must be 2-d/);
    expect(() => countCorrect(tensor(randomArray(6, 1), [2, 3]), tensor(randomArray(2, 1), [2]))).toThrow(/countCorrect: labels .* are f32/);
  });
});
