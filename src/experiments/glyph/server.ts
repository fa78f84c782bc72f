// The server's half of the demo. It receives only {parameters, public key, relinearization key,
// Galois keys, ciphertexts} (as bytes) plus its own public model, and returns ciphertexts:
//   F_f = Σ_p P_int[f,p] · ct_p − Σ_p P_int[f,p] μ_int[p]     (ct × scalar MACs: frozen layer)
//   G_fc = F_f ⊙ Y_c                                            (ct × ct, relinearized)
//   W_fc = Σ_slots G_fc,  n_c = Σ_slots Y_c                     (rotate-and-add)
import { fail } from '../../device/errors.js';
import { Ciphertext, Plaintext } from '../../fhe/bgv/ciphertext.js';
import { BgvContext } from '../../fhe/bgv/context.js';
import * as ev from '../../fhe/bgv/evaluator.js';
import type { GaloisKeys, RelinKey } from '../../fhe/bgv/keys.js';
import type { BgvParameters } from '../../fhe/bgv/params.js';
import { readBlob, serialize, uploadBlob, type CheckedBlob } from '../../fhe/bgv/serialize.js';
import { runtime } from '../../graph/runtime.js';
import type { ProgressFn } from '../experiment.js';
import { CLASSES } from './data.js';
import { checkResults, checkServerInput, type ServerModel, type ServerSchedule, type Upload } from './server-io.js';

export interface ServerTimes {
  projection: number;
  multiply: number;
  sums: number;
  keySwitches: number;
}

/** What the server hands back: W (pairs f-major: index f·10 + c, in batches) and n. */
export interface ServerResults {
  sums: Ciphertext[];
  counts: Ciphertext;
}

const now = () => performance.now() / 1000;

/** The results as named items: `counts` and the batches `sums0`, `sums1`, ... */
function resultItems(results: ServerResults): Record<string, Ciphertext> {
  const named: Record<string, Ciphertext> = { counts: results.counts };
  results.sums.forEach((ct, i) => (named[`sums${i}`] = ct));
  return named;
}

/**
 * Loads serialized results (client side) back into ciphertexts, batches in order, after checking
 * them against the client's parameters and feature count (nothing is uploaded if they fail).
 */
export function readResults(bytes: Uint8Array, params: BgvParameters, features: number): ServerResults {
  const blob = readBlob(bytes);
  checkResults(blob.header, params, features);
  const items = uploadBlob(blob).items as Record<string, Ciphertext>;
  const batches = Object.keys(items).filter((k) => k !== 'counts').length;
  return { sums: Array.from({ length: batches }, (_, i) => items[`sums${i}`]!), counts: items.counts! };
}

/**
 * Runs the encrypted training step on an upload (its bytes, or a blob already checked with
 * readBlob); returns the serialized results. The upload, model and schedule are all checked
 * (checkServerInput) before anything is uploaded to the GPU.
 */
export async function serverStep(
  upload: Uint8Array | CheckedBlob,
  model: ServerModel,
  schedule: ServerSchedule,
  progress?: ProgressFn,
): Promise<{ results: Uint8Array; times: ServerTimes }> {
  const blob = upload instanceof Uint8Array ? readBlob(upload) : upload;
  checkServerInput(blob.header, model, schedule);
  const { params, items } = uploadBlob(blob);
  const input = items as unknown as Upload;
  try {
    const ctx = new BgvContext(params);
    try {
      const { results, times } = await trainOnEncrypted(ctx, input, model, schedule, progress);
      const bytes = await serialize(params, resultItems(results));
      for (const ct of [...results.sums, results.counts]) ct.dispose();
      return { results: bytes, times };
    } finally {
      ctx.dispose();
    }
  } finally {
    for (const x of Object.values(input)) x.dispose();
  }
}

/** The homomorphic computation itself. */
export async function trainOnEncrypted(
  ctx: BgvContext,
  input: { relinKey: RelinKey; galoisKeys: GaloisKeys; pixels: Ciphertext; labels: Ciphertext },
  model: ServerModel,
  schedule: ServerSchedule,
  progress?: ProgressFn,
): Promise<{ results: ServerResults; times: ServerTimes }> {
  const { relinKey: rlk, galoisKeys: gk, pixels, labels } = input;
  const d = model.weights.length;
  if (labels.batch !== CLASSES) fail(`trainOnEncrypted: expected ${CLASSES} label ciphertexts, got ${labels.batch}`);
  const rt = runtime();
  const pairs = d * CLASSES;
  const batches = Math.ceil(pairs / schedule.batch);
  const total = 2 + batches;
  const sumSteps = ev.slotSumElements(ctx.n).length;
  let t0 = now();

  // Frozen layer: integer weights times pixel ciphertexts, minus the mean's contribution.
  const features = rt.tidy(() => {
    const projected = ev.linear(ctx, pixels, model.weights);
    const offsets = Plaintext.encode(ctx, model.offsets.map((o) => new Array<number>(ctx.n).fill(-o)));
    return ev.modSwitchTo(ctx, ev.addPlain(ctx, projected, offsets), schedule.multiplyLevel);
  });
  const y = ev.modSwitchTo(ctx, labels, schedule.multiplyLevel);
  await rt.sync();
  const projection = now() - t0;
  progress?.({ label: 'server: projection', done: 1, total });

  let multiply = 0;
  let sums = 0;
  const out: Ciphertext[] = [];
  for (let b = 0; b < batches; b++) {
    const ids = Array.from({ length: Math.min(schedule.batch, pairs - b * schedule.batch) }, (_, i) => b * schedule.batch + i);
    t0 = now();
    const products = rt.tidy(() => {
      const f = ev.select(ctx, features, ids.map((i) => Math.floor(i / CLASSES)));
      const c = ev.select(ctx, y, ids.map((i) => i % CLASSES));
      return ev.modSwitchTo(ctx, ev.multiplyRelin(ctx, f, c, rlk), schedule.sumLevel);
    });
    await rt.sync();
    multiply += now() - t0;
    t0 = now();
    out.push(rt.tidy(() => ev.sumSlots(ctx, products, gk)));
    products.dispose();
    await rt.sync();
    sums += now() - t0;
    progress?.({ label: `server: products and slot sums, batch ${b + 1}/${batches}`, done: 2 + b, total });
  }
  t0 = now();
  const counts = rt.tidy(() => ev.sumSlots(ctx, ev.modSwitchTo(ctx, labels, schedule.sumLevel), gk));
  await rt.sync();
  sums += now() - t0;
  features.dispose();
  if (y !== labels) y.dispose();
  progress?.({ label: 'server: done', done: total, total });
  return {
    results: { sums: out, counts },
    times: { projection, multiply, sums, keySwitches: pairs * (1 + sumSteps) + CLASSES * sumSteps },
  };
}
