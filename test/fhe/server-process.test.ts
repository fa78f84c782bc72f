// T7 key hygiene, process separation: the server step runs in a child process (its own GPU
// device) that is handed only the job file (public model, schedule) and the serialized upload.
// Its results, decrypted here with the secret key, must equal the in-process server step and the
// integer simulation; nothing handed to the child may contain secret-key bytes. Test ring
// N = 1024 and a small synthetic dataset, so the child stays within seconds on lavapipe.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptTotals, encryptDataset, makeKeys, secretKeyWindows, type ClientKeys } from '../../src/experiments/glyph/client.js';
import { QUICK_CONFIG } from '../../src/experiments/glyph/config.js';
import type { Images } from '../../src/experiments/glyph/data.js';
import { classSums, integerFeatures, publicModel } from '../../src/experiments/glyph/plain.js';
import type { ServerJob } from '../../src/experiments/glyph/server-io.js';
import { readResults, serverStep } from '../../src/experiments/glyph/server.js';
import { BgvContext } from '../../src/fhe/bgv/context.js';
import { serialize } from '../../src/fhe/bgv/serialize.js';
import { gpu, randomArray } from '../setup.js';
import { bundleServer, runChild } from './server-child.js';

const PARAMS = { ...QUICK_CONFIG.params, n: 1024, security: 'none' as const };
const SCHEDULE = { multiplyLevel: QUICK_CONFIG.multiplyLevel, sumLevel: QUICK_CONFIG.sumLevel, batch: 8 };
const FEATURES = 3; // 30 products: several batches, the last one partial

function images(n: number, pixels: number, seed: number): Images {
  return { x: Float64Array.from(randomArray(n * pixels, seed, 0, 1)), y: Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 10), n, pixels };
}

let ctx: BgvContext;
let keys: ClientKeys;
let dir: string;
let truth: { sums: number[][]; counts: number[] };
let windows: Uint8Array[];
let handed: { argv: string[]; files: Buffer[] };
let inProcess: Uint8Array;
let fromChild: Uint8Array;

beforeAll(async () => {
  const rt = await gpu();
  rt.poison = false; // hundreds of dispatches; the kernels' own tests run poisoned
  const model = publicModel(images(60, 9, 3), FEATURES);
  const priv = images(301, 9, 5);
  truth = classSums(integerFeatures(model, priv), priv.y, FEATURES);

  ctx = new BgvContext(PARAMS);
  keys = makeKeys(ctx, SCHEDULE.multiplyLevel, SCHEDULE.sumLevel);
  const { pixels, labels } = encryptDataset(ctx, keys.publicKey, priv);
  const upload = await serialize(PARAMS, { publicKey: keys.publicKey, relinKey: keys.relinKey, galoisKeys: keys.galoisKeys, pixels, labels });
  pixels.dispose();
  labels.dispose();
  windows = await secretKeyWindows(ctx, keys.secret);
  const job: ServerJob = { model: { weights: model.weights, offsets: model.offsets }, schedule: SCHEDULE };

  inProcess = (await serverStep(upload, job.model, job.schedule)).results;

  const bundle = await bundleServer();
  dir = bundle.dir;
  const entry = bundle.entry;
  const paths = ['job.json', 'upload.bin', 'results.bin'].map((f) => join(dir, f));
  writeFileSync(paths[0]!, JSON.stringify(job));
  writeFileSync(paths[1]!, upload);
  const argv = [entry, ...paths];
  handed = { argv, files: [readFileSync(entry), readFileSync(paths[0]!), readFileSync(paths[1]!)] };
  const child = await runChild(argv);
  if (child.code !== 0) throw new Error(`server process exited with ${child.code}:\n${child.log}`);
  fromChild = new Uint8Array(readFileSync(paths[2]!));
}, 300_000);

afterAll(() => {
  for (const k of Object.values(keys ?? {})) k.dispose();
  ctx?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function decrypt(bytes: Uint8Array): Promise<{ sums: number[][]; counts: number[] }> {
  const { sums, counts } = readResults(bytes, PARAMS, FEATURES);
  const flat: number[] = [];
  for (const ct of sums) flat.push(...(await decryptTotals(ctx, keys.secret, ct)).values);
  const n = (await decryptTotals(ctx, keys.secret, counts)).values;
  for (const ct of [...sums, counts]) ct.dispose();
  return { sums: Array.from({ length: FEATURES }, (_, f) => flat.slice(f * 10, (f + 1) * 10)), counts: n };
}

const found = (blob: Buffer) => windows.filter((w) => blob.indexOf(w) >= 0).length;

describe('T7: the server step in a separate process', () => {
  it("the child's results decrypt to the in-process results and the integer simulation", async () => {
    const child = await decrypt(fromChild);
    const local = await decrypt(inProcess);
    expect(local).toEqual(truth);
    expect(child).toEqual(local);
    expect(child.counts.reduce((a, b) => a + b, 0)).toBe(301);
    expect(child.sums.flat().some((v) => v !== 0)).toBe(true);
  });

  it('nothing handed to the child (argv, bundle, job, upload) holds secret-key bytes', async () => {
    expect(windows.length).toBe(28);
    for (const blob of [Buffer.from(handed.argv.join('\0')), ...handed.files]) expect(found(blob)).toBe(0);
    // The check can fail: the same search finds the key's NTT-form windows in its own words.
    const words = (await keys.secret.s.data()) as Uint32Array;
    expect(found(Buffer.concat([handed.files[2]!, Buffer.from(words.buffer, words.byteOffset, words.byteLength)]))).toBe(windows.length / 2);
  });

  it('the job file holds only the public model and schedule', () => {
    expect(Object.keys(JSON.parse(handed.files[1]!.toString('utf8')) as object).sort()).toEqual(['model', 'schedule']);
  });
});
