// Malformed input to the Glyph server and client: the server step refuses a wrong upload, model
// or schedule before it uploads anything to the GPU; the client refuses results made for other
// parameters or missing batches; and the server process answers bad files with exit status 2
// and one line saying what is wrong, never a stack or a hang. Synthetic all-zero residues on
// N = 16 (zero is a valid residue, and the checks run before any arithmetic).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GradwgslError } from '../../src/device/errors.js';
import type { ServerModel, ServerSchedule } from '../../src/experiments/glyph/server-io.js';
import { readResults, serverStep } from '../../src/experiments/glyph/server.js';
import { Ciphertext } from '../../src/fhe/bgv/ciphertext.js';
import { slotSumElements } from '../../src/fhe/bgv/evaluator.js';
import { GaloisKeys, PublicKey, RelinKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_PRIMES, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { serialize, type Transferable } from '../../src/fhe/bgv/serialize.js';
import type { Runtime } from '../../src/graph/runtime.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { bundleServer, runChild } from './server-child.js';

const N = 16;
const PARAMS: BgvParameters = { n: N, specialPrime: GLYPH_PRIMES[0], ciphertextPrimes: GLYPH_PRIMES.slice(1, 5), plainModulus: 97, security: 'none' };
const MODEL: ServerModel = { weights: [[1, -2, 3], [0, 4, -1]], offsets: [5, -6] };
const SCHEDULE: ServerSchedule = { multiplyLevel: 3, sumLevel: 2, batch: 4 };

let rt: Runtime;
let upload: Uint8Array;

const zeros = (shape: number[]) => tensor(new Uint32Array(shape.reduce((a, b) => a * b, 1)), shape, 'u32');

/** The upload's items, all zero; `change` replaces or drops some. */
function items(change: Record<string, Transferable | null> = {}): Record<string, Transferable> {
  const all: Record<string, Transferable | null> = {
    publicKey: new PublicKey(zeros([2, 4, N])),
    relinKey: new RelinKey(zeros([3, 2, 4, N])),
    galoisKeys: new GaloisKeys(new Map(slotSumElements(N).map((g) => [g, zeros([2, 2, 3, N])]))),
    pixels: new Ciphertext(zeros([3, 2, 4, N])),
    labels: new Ciphertext(zeros([10, 2, 4, N])),
  };
  for (const [name, item] of Object.entries(change)) {
    all[name]?.dispose();
    all[name] = item;
  }
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, Transferable] => e[1] !== null));
}

async function bytesOf(all: Record<string, Transferable>, params = PARAMS): Promise<Uint8Array> {
  const bytes = await serialize(params, all);
  for (const x of Object.values(all)) x.dispose();
  return bytes;
}

beforeAll(async () => {
  rt = await gpu();
  rt.poison = false;
  upload = await bytesOf(items());
});

afterEach(() => vi.restoreAllMocks());

/** Expects `run` to fail with a GradwgslError matching `message` before uploading anything. */
async function refusedBeforeUpload(run: () => unknown, message: RegExp): Promise<void> {
  const uploads = vi.spyOn(rt, 'upload');
  const error = await Promise.resolve().then(run).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GradwgslError);
  expect((error as Error).message).toMatch(message);
  expect(uploads).not.toHaveBeenCalled();
  uploads.mockRestore();
}

describe('serverStep', () => {
  it('runs on a well-formed upload, and the client reads its results', async () => {
    const { results } = await serverStep(upload, MODEL, SCHEDULE);
    const { sums, counts } = readResults(results, PARAMS, 2);
    expect(sums.map((ct) => ct.batch)).toEqual([4, 4, 4, 4, 4]);
    expect(counts.batch).toBe(10);
    for (const ct of [...sums, counts]) ct.dispose();
  });

  it('refuses a wrong upload before uploading it', async () => {
    await refusedBeforeUpload(() => serverStep(upload.subarray(0, 100), MODEL, SCHEDULE), /deserialize: the blob length is 100 bytes; expected \d+ bytes .*: the blob is truncated/);
    const noLabels = await bytesOf(items({ labels: null }));
    await refusedBeforeUpload(() => serverStep(noLabels, MODEL, SCHEDULE), /serverStep: the blob holds publicKey \(public-key\), relinKey \(relin-key\), galoisKeys \(galois-keys\), pixels \(ciphertext\); expected .*labels \(ciphertext\)/);
    const nineLabels = await bytesOf(items({ labels: new Ciphertext(zeros([9, 2, 4, N])) }));
    await refusedBeforeUpload(() => serverStep(nineLabels, MODEL, SCHEDULE), /serverStep: labels batch is 9; expected 10 \(one ciphertext per class\)/);
    const threeParts = await bytesOf(items({ pixels: new Ciphertext(zeros([3, 3, 4, N])) }));
    await refusedBeforeUpload(() => serverStep(threeParts, MODEL, SCHEDULE), /serverStep: pixels parts is 3; expected 2 \(relinearized ciphertexts\)/);
    const lowRelin = await bytesOf(items({ relinKey: new RelinKey(zeros([2, 2, 3, N])) }));
    await refusedBeforeUpload(() => serverStep(lowRelin, MODEL, SCHEDULE), /serverStep: relinKey level is 2; expected an integer >= 3 \(relinearization at multiplyLevel\)/);
    const fewGalois = await bytesOf(items({ galoisKeys: new GaloisKeys(new Map([[3, zeros([2, 2, 3, N])]])) }));
    await refusedBeforeUpload(() => serverStep(fewGalois, MODEL, SCHEDULE), /serverStep: galoisKeys has elements \[3\]; expected all of \[3, 9, 17, 31\] \(the slot sums\)/);
  });

  it('refuses a schedule that does not fit the upload, or would skip or never end the work', async () => {
    const run = (schedule: Partial<ServerSchedule>) => () => serverStep(upload, MODEL, { ...SCHEDULE, ...schedule } as ServerSchedule);
    await refusedBeforeUpload(run({ batch: -1 }), /serverStep: schedule.batch is -1; expected an integer >= 1 \(products per GPU batch\)/);
    await refusedBeforeUpload(run({ batch: 0.5 }), /schedule.batch is 0.5/);
    await refusedBeforeUpload(run({ multiplyLevel: 5 }), /serverStep: schedule.multiplyLevel is 5; expected an integer in \[1, 4\] \(at most the level 4 of the uploaded ciphertexts\)/);
    await refusedBeforeUpload(run({ sumLevel: 4 }), /serverStep: schedule.sumLevel is 4; expected an integer in \[1, 3\] \(at most multiplyLevel\)/);
    await refusedBeforeUpload(run({ sumLevel: undefined }), /serverStep: schedule.sumLevel is missing/);
  });

  it('refuses a model that does not match the pixels', async () => {
    const run = (model: unknown) => () => serverStep(upload, model as ServerModel, SCHEDULE);
    await refusedBeforeUpload(run({ ...MODEL, weights: [[1, 2], [3, 4]] }), /serverStep: model.weights\[0\] length is 2; expected 3/);
    await refusedBeforeUpload(run({ ...MODEL, weights: [[1, 2, 1.5], [3, 4, 5]] }), /serverStep: model.weights\[0\]\[2\] is 1.5; expected an integer below 2\^53 in magnitude \(an integer weight\)/);
    await refusedBeforeUpload(run({ ...MODEL, weights: [] }), /serverStep: model.weights length is 0/);
    await refusedBeforeUpload(run({ ...MODEL, offsets: [1] }), /serverStep: model.offsets length is 1; expected 2/);
    await refusedBeforeUpload(run(null), /serverStep: model is null; expected an object with keys weights, offsets/);
  });
});

describe('readResults (the client)', () => {
  const results = (sums: number[], params = PARAMS, names = sums.map((_, i) => `sums${i}`)) =>
    bytesOf(Object.fromEntries([...sums.map((b, i) => [names[i]!, new Ciphertext(zeros([b, 2, 2, N]))]), ['counts', new Ciphertext(zeros([10, 2, 2, N]))]]), params);

  it('reads well-formed results in batch order', async () => {
    const { sums, counts } = readResults(await results([4, 4, 2], PARAMS, ['sums1', 'sums0', 'sums2']), PARAMS, 1);
    expect(sums.map((ct) => ct.batch)).toEqual([4, 4, 2]);
    for (const ct of [...sums, counts]) ct.dispose();
  });

  it('refuses results for other parameters, with missing batches or the wrong number of products', async () => {
    const other = { ...PARAMS, ciphertextPrimes: GLYPH_PRIMES.slice(2, 6) };
    const otherResults = await results([10], other);
    await refusedBeforeUpload(() => readResults(otherResults, PARAMS, 1), /readResults: the results are for parameters .*2147074049.*; expected the client's/);
    const gap = await results([5, 5], PARAMS, ['sums0', 'sums2']);
    await refusedBeforeUpload(() => readResults(gap, PARAMS, 1), /readResults: the blob holds sums0 \(ciphertext\), sums2 \(ciphertext\), counts \(ciphertext\); expected counts \(ciphertext\), sums0 \(ciphertext\), sums1 \(ciphertext\)/);
    const short = await results([4, 4]);
    await refusedBeforeUpload(() => readResults(short, PARAMS, 1), /readResults: the sums batches in all is 8; expected 10 \(1 features × 10 classes\)/);
    const withKey = await bytesOf({ counts: new Ciphertext(zeros([10, 2, 2, N])), sums0: new PublicKey(zeros([2, 4, N])) });
    await refusedBeforeUpload(() => readResults(withKey, PARAMS, 1), /readResults: the blob holds counts \(ciphertext\), sums0 \(public-key\); expected counts \(ciphertext\), sums0 \(ciphertext\)/);
  });
});

describe('the server process on bad input', () => {
  let dir: string;
  let entry: string;

  beforeAll(async () => {
    ({ dir, entry } = await bundleServer());
    writeFileSync(join(dir, 'upload.bin'), upload);
    writeFileSync(join(dir, 'truncated.bin'), upload.subarray(0, upload.length - 7));
    writeFileSync(join(dir, 'page.bin'), '<!DOCTYPE html><html></html>');
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ model: MODEL, schedule: SCHEDULE }));
    writeFileSync(join(dir, 'not-json.json'), '{"model": [1, 2');
    writeFileSync(join(dir, 'no-schedule.json'), JSON.stringify({ model: MODEL }));
    writeFileSync(join(dir, 'batch-0.json'), JSON.stringify({ model: MODEL, schedule: { ...SCHEDULE, batch: 0 } }));
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string[], RegExp][] = [
    ['no arguments', [], /^server-process: usage: server-process <job.json> <upload.bin> <results.bin>; got 0 arguments$/],
    ['a missing job file', ['missing.json', 'upload.bin'], /^server-process: cannot read the job file .*missing.json: ENOENT: no such file or directory/],
    ['a job file that is not JSON', ['not-json.json', 'upload.bin'], /^server-process: server job: the job file is not JSON \(.*\); write it as JSON.stringify\(\{ model, schedule \}\)$/],
    ['a job without a schedule', ['no-schedule.json', 'upload.bin'], /^server-process: server job: the job keys is model; expected model, schedule/],
    ['a schedule with batch 0', ['batch-0.json', 'upload.bin'], /^server-process: serverStep: schedule.batch is 0; expected an integer >= 1/],
    ['a truncated upload', ['job.json', 'truncated.bin'], /^server-process: deserialize: the blob length is \d+ bytes; expected \d+ bytes .*: the blob is truncated/],
    ['an upload that is not a blob', ['job.json', 'page.bin'], /^server-process: deserialize: the magic \(bytes 0-4\) is 3c 21 44 4f 43; .*not a gradwgsl FHE blob/],
  ];

  for (const [what, files, message] of cases) {
    it(`answers ${what} with exit status 2 and one line`, async () => {
      const args = files.length ? [...files.map((f) => join(dir, f)), join(dir, 'results.bin')] : [];
      const { code, log } = await runChild([entry, ...args]);
      expect(log.trim()).toMatch(message);
      expect(log.trim().split('\n')).toHaveLength(1);
      expect(code).toBe(2);
    }, 60_000);
  }
});
