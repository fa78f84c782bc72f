// The kernel conformance subset, run inside the browser (bundled by the browser tests as
// conformance.html): elementwise, reductions, the three GEMM variants, softmax cross-entropy
// with its gradient, argmax counting, and binary16/FP8 rounding, each against a float64 CPU
// reference on odd sizes, with outputs poisoned. The result lands in window.__conformance.
import { init, runtime } from '../../src/graph/runtime.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { exp, relu, sigmoid, tanh } from '../../src/kernels/elementwise/unary.js';
import { forceGemmVariant, GEMM_VARIANTS, gemmVariantUnsupported } from '../../src/kernels/gemm/kernels.js';
import { linear } from '../../src/kernels/gemm/linear.js';
import { matmul } from '../../src/kernels/gemm/matmul.js';
import { countCorrect } from '../../src/kernels/loss/argmax.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { roundTo } from '../../src/kernels/precision/quantize.js';
import { max, sum } from '../../src/kernels/reduce/reduce.js';
import { BINARY16, FP8_E5M2, type FloatFormat } from '../../src/precision/format.js';
import { roundToGrid } from '../../src/precision/round.js';
import { tensor } from '../../src/tensor/create.js';
import { randomArray, relError } from '../setup.js';

export interface CaseResult {
  name: string;
  /** ‖out − ref‖ / ‖ref‖ (0 for exact cases). */
  error: number;
  bound: number;
  ok: boolean;
  message?: string;
  /** Why the case did not run on this adapter (a missing feature); ok is then true. */
  skipped?: string;
}

export interface ConformanceResult {
  adapter: string;
  features: string[];
  cases: CaseResult[];
}

declare global {
  interface Window {
    __conformance?: ConformanceResult | { fatal: string };
  }
}

// Bounds as in the Node kernel tests: f32 arithmetic 1e-6, transcendentals and losses 1e-5,
// GEMM 1e-5 (K ≤ 1024), rounding onto a grid and counting exact.
const F32_EXACT = 1e-6;
const F32_TRANSCENDENTAL = 1e-5;
const F32_GEMM = 1e-5;

type Case = [name: string, bound: number, run: () => Promise<{ out: ArrayLike<number>; ref: ArrayLike<number> }>, unsupported?: () => string | null];

function gemmRef(a: Float32Array, b: Float32Array, m: number, k: number, n: number, bTransposed = false): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[bTransposed ? j * k + p : p * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

function unaryCase(name: string, op: (x: any) => any, f: (x: number) => number, bound: number, lo: number, hi: number): Case {
  return [name, bound, async () => {
    const x = randomArray(1031, name.length, lo, hi);
    return { out: await op(tensor(x, [1031])).data(), ref: Array.from(x, f) };
  }];
}

function roundCase(format: FloatFormat): Case {
  return [`roundTo(${format.name}) without shader-f16`, 0, async () => {
    // Normal values up to 5e4 (both formats reach 57344), mid-range ones and tiny ones that underflow.
    const x = randomArray(517, 41, -50000, 50000).map((v, i) => [v, v / 4096, v * 1e-9][i % 3]!);
    return { out: await roundTo(tensor(x, [517]), format).data(), ref: Array.from(x, (v) => roundToGrid(v, format, 'rne')) };
  }];
}

const B = 13;
const C = 10;
const logitsData = randomArray(B * C, 31, -4, 4);
const labels = Uint32Array.from({ length: B }, (_, i) => (i * 7) % C);
/** Per-row softmax of the logits, in float64. */
const softmaxRows = Array.from({ length: B }, (_, r) => {
  const row = Array.from(logitsData.subarray(r * C, (r + 1) * C));
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / z);
});

const CASES: Case[] = [
  unaryCase('exp', exp, Math.exp, F32_TRANSCENDENTAL, -3, 3),
  unaryCase('tanh', tanh, Math.tanh, F32_TRANSCENDENTAL, -3, 3),
  unaryCase('sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v)), F32_TRANSCENDENTAL, -30, 30),
  unaryCase('relu', relu, (v) => Math.max(v, 0), F32_EXACT, -2, 2),
  ['add/mul with broadcasting [7,1,5] · [3,5]', F32_EXACT, async () => {
    const a = randomArray(35, 1);
    const b = randomArray(15, 2);
    const out = await mul(add(tensor(a, [7, 1, 5]), tensor(b, [3, 5])), tensor(b, [3, 5])).data();
    const ref = Array.from({ length: 105 }, (_, i) => {
      const [z, r, c] = [Math.floor(i / 15), Math.floor(i / 5) % 3, i % 5];
      return (a[z * 5 + c]! + b[r * 5 + c]!) * b[r * 5 + c]!;
    });
    return { out, ref };
  }],
  ['sum over axis 1 of [19,37]', F32_EXACT, async () => {
    const x = randomArray(19 * 37, 3);
    const ref = Array.from({ length: 19 }, (_, r) => x.subarray(r * 37, (r + 1) * 37).reduce((s, v) => s + v, 0));
    return { out: await sum(tensor(x, [19, 37]), 1).data(), ref };
  }],
  ['max over axis 0 of [19,37]', 0, async () => {
    const x = randomArray(19 * 37, 4);
    const ref = Array.from({ length: 37 }, (_, c) => Math.max(...Array.from({ length: 19 }, (_, r) => x[r * 37 + c]!)));
    return { out: await max(tensor(x, [19, 37]), 0).data(), ref };
  }],
  ...GEMM_VARIANTS.map((variant): Case => [`matmul [33,47]·[47,29], ${variant} kernel`, F32_GEMM, async () => {
    const a = randomArray(33 * 47, 5);
    const b = randomArray(47 * 29, 6);
    forceGemmVariant(variant);
    try {
      return { out: await matmul(tensor(a, [33, 47]), tensor(b, [47, 29])).data(), ref: gemmRef(a, b, 33, 47, 29) };
    } finally {
      forceGemmVariant(null);
    }
  }, () => gemmVariantUnsupported(runtime().gpu, variant)]),
  ['linear [65,131]·[37,131]ᵀ + bias, relu', F32_GEMM, async () => {
    const x = randomArray(65 * 131, 7);
    const w = randomArray(37 * 131, 8);
    const bias = randomArray(37, 9);
    const ref = gemmRef(x, w, 65, 131, 37, true).map((v, i) => Math.max(v + bias[i % 37]!, 0));
    return { out: await linear(tensor(x, [65, 131]), tensor(w, [37, 131]), tensor(bias, [37]), 'relu').data(), ref };
  }],
  ['softmaxCrossEntropy [13,10], mean', F32_TRANSCENDENTAL, async () => {
    const ref = softmaxRows.reduce((s, p, r) => s - Math.log(p[labels[r]!]!), 0) / B;
    return { out: await softmaxCrossEntropy(tensor(logitsData, [B, C]), tensor(labels, [B], 'u32')).data(), ref: [ref] };
  }],
  ['softmaxCrossEntropy gradient', F32_TRANSCENDENTAL, async () => {
    const logits = tensor(logitsData, [B, C]).trainable();
    softmaxCrossEntropy(logits, tensor(labels, [B], 'u32')).backward();
    const ref = softmaxRows.flatMap((p, r) => p.map((v, c) => (v - (c === labels[r] ? 1 : 0)) / B));
    return { out: await logits.grad!.data(), ref };
  }],
  ['countCorrect [13,10]', 0, async () => {
    const ref = softmaxRows.filter((p, r) => p.indexOf(Math.max(...p)) === labels[r]).length;
    return { out: await countCorrect(tensor(logitsData, [B, C]), tensor(labels, [B], 'u32')).data(), ref: [ref] };
  }],
  roundCase(BINARY16),
  roundCase(FP8_E5M2),
];

async function main(): Promise<ConformanceResult> {
  const rt = await init();
  rt.poison = true;
  const a = rt.gpu.adapter;
  const cases: CaseResult[] = [];
  for (const [name, bound, run, unsupported] of CASES) {
    const skipped = unsupported?.();
    if (skipped) {
      cases.push({ name, error: 0, bound, ok: true, skipped });
      continue;
    }
    try {
      const { out, ref } = await run();
      const error = relError(out, ref);
      cases.push({ name, error, bound, ok: bound === 0 ? error === 0 : error < bound });
    } catch (e) {
      cases.push({ name, error: Infinity, bound, ok: false, message: (e as Error).message });
    }
  }
  return { adapter: [a.vendor, a.architecture, a.description].filter(Boolean).join(' · '), features: [...rt.gpu.features], cases };
}

main().then(
  (r) => {
    window.__conformance = r;
    document.getElementById('app')!.textContent = JSON.stringify(r, null, 1);
  },
  (e: Error) => (window.__conformance = { fatal: e.message }),
);
