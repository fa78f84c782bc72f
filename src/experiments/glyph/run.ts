// The Glyph run: client keys and encrypts, the server trains the last layer on ciphertexts it
// cannot read, the client decrypts and evaluates; the same computation runs in the clear
// (float64 and integer) for comparison, and the checks T1, T6, T7, T8 are measured. Everything
// here runs in a browser page as well as under Node (the caller supplies the digits).
import { fail } from '../../device/errors.js';
import { Ciphertext } from '../../fhe/bgv/ciphertext.js';
import { BgvContext } from '../../fhe/bgv/context.js';
import { generateSecretKey } from '../../fhe/bgv/keys.js';
import { serialize } from '../../fhe/bgv/serialize.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { ProgressFn } from '../experiment.js';
import { decryptTotals, encryptDataset, makeKeys, MIN_RING_FOR_WINDOWS, secretKeyWindows } from './client.js';
import type { GlyphConfig, GlyphResult } from './config.js';
import { CLASSES, glyphSplit, thin, type DigitClasses } from './data.js';
import { containsBytes } from './find-bytes.js';
import { classSums, floatFeatures, integerFeatures, nearestCentroidAccuracy, publicModel } from './plain.js';
import { readResults, serverStep } from './server.js';

const now = () => performance.now() / 1000;

function checkConfig(c: GlyphConfig, ctx: BgvContext, privateCount: number): void {
  if (!(c.sumLevel >= 1 && c.sumLevel <= c.multiplyLevel && c.multiplyLevel <= ctx.maxLevel)) {
    fail(`glyph: need 1 <= sumLevel (${c.sumLevel}) <= multiplyLevel (${c.multiplyLevel}) <= ${ctx.maxLevel} ciphertext primes`);
  }
  if (ctx.n < MIN_RING_FOR_WINDOWS) fail(`glyph: ring degree N = ${ctx.n} is too small for the key-hygiene check's 32-byte secret-key windows; use N >= ${MIN_RING_FOR_WINDOWS}`);
  if (privateCount > ctx.n) fail(`glyph: ${privateCount} private digits do not fit N = ${ctx.n} slots; set privateSamples <= ${ctx.n}`);
  if (!Number.isInteger(c.batch) || c.batch < 1) fail(`glyph: batch ${c.batch} must be a positive integer`);
}

/** The demo on the package's digits (Node: readDigitClasses; a page: digitClassesFromSplit). */
export async function runGlyph(digits: DigitClasses, config: GlyphConfig, progress?: ProgressFn): Promise<GlyphResult> {
  const rt = runtime();
  const data = glyphSplit(digits, config.pool);
  const priv = thin(data.private, config.privateSamples);
  const ctx = new BgvContext(config.params);
  try {
    checkConfig(config, ctx, priv.n);
    const d = config.features;
    const times = { publicModel: 0, keygen: 0, encrypt: 0, transfer: 0, serverProjection: 0, serverMultiply: 0, serverSums: 0, decrypt: 0 };
    let t0 = now();
    const model = publicModel(data.public, d);
    times.publicModel = now() - t0;

    // The same training in the clear.
    const floatAcc = nearestCentroidAccuracy(classSums(floatFeatures(model, priv), priv.y, d), floatFeatures(model, data.test), data.test.y);
    const truth = classSums(integerFeatures(model, priv), priv.y, d);
    const testInt = integerFeatures(model, data.test);
    const integerAcc = nearestCentroidAccuracy(truth, testInt, data.test.y);

    // Client: keys and encryption.
    t0 = now();
    const keys = makeKeys(ctx, config.multiplyLevel, config.sumLevel);
    await rt.sync();
    times.keygen = now() - t0;
    t0 = now();
    const { pixels, labels } = encryptDataset(ctx, keys.publicKey, priv);
    await rt.sync();
    times.encrypt = now() - t0;
    const perCiphertext = pixels.bytes / pixels.batch;

    t0 = now();
    const upload = await serialize(config.params, {
      publicKey: keys.publicKey, relinKey: keys.relinKey, galoisKeys: keys.galoisKeys, pixels, labels,
    });
    pixels.dispose();
    labels.dispose();
    times.transfer += now() - t0;
    const publicKeys = [keys.publicKey.data, keys.relinKey.data, ...keys.galoisKeys.keys.values()].reduce((s, t) => s + t.numel * 4, 0);
    const windows = await secretKeyWindows(ctx, keys.secret);
    const found = windows.filter((w) => containsBytes(upload, w)).length;

    // Server: sees bytes only.
    progress?.({ label: 'server', done: 0, total: 1 });
    t0 = now();
    const server = await serverStep(upload, { weights: model.weights, offsets: model.offsets }, config, progress);
    const serverTotal = now() - t0;
    times.serverProjection = server.times.projection;
    times.serverMultiply = server.times.multiply;
    times.serverSums = server.times.sums;
    times.transfer += serverTotal - server.times.projection - server.times.multiply - server.times.sums;

    // Client: decryption.
    t0 = now();
    const { sums: chunks, counts: countsCt } = readResults(server.results, config.params, d);
    times.transfer += now() - t0;
    t0 = now();
    let margin = Infinity;
    const flat: number[] = [];
    for (const ct of chunks) {
      const { values, budget } = await decryptTotals(ctx, keys.secret, ct);
      flat.push(...values);
      margin = Math.min(margin, budget);
    }
    const countsOut = await decryptTotals(ctx, keys.secret, countsCt);
    margin = Math.min(margin, countsOut.budget);
    times.decrypt = now() - t0;
    const sums = Array.from({ length: d }, (_, f) => flat.slice(f * CLASSES, (f + 1) * CLASSES));
    const counts = countsOut.values;
    let mismatches = 0;
    sums.forEach((row, f) => row.forEach((v, c) => (mismatches += v === truth.sums[f]![c] ? 0 : 1)));
    counts.forEach((v, c) => (mismatches += v === truth.counts[c] ? 0 : 1));
    const encryptedAcc = nearestCentroidAccuracy({ sums, counts }, testInt, data.test.y);

    // T6: an independent key decrypts noise; a flipped residue changes the output.
    const other = generateSecretKey(ctx);
    const wrong: number[] = [];
    for (const ct of chunks) wrong.push(...(await decryptTotals(ctx, other, ct)).values);
    other.dispose();
    const wrongKeyMatches = wrong.filter((v, i) => v === flat[i]).length;
    const first = chunks[0]!;
    const words = ((await first.data.data()) as Uint32Array).slice();
    const q1 = config.params.ciphertextPrimes[0]!;
    words[0] = (words[0]! + Math.floor(q1 / 2)) % q1; // c0, limb q_1, first stored residue
    const tampered = new Ciphertext(tensor(words, first.data.shape, 'u32'), first.factor);
    const tamperChanged = (await decryptTotals(ctx, keys.secret, tampered)).values[0] !== flat[0];
    tampered.dispose();
    for (const ct of [...chunks, countsCt]) ct.dispose();
    for (const k of Object.values(keys)) k.dispose();

    const maxAbsSum = Math.max(...truth.sums.flat().map(Math.abs));
    return {
      parameters: {
        n: ctx.n,
        logQP: ctx.params.logQP,
        maxLogQP: ctx.params.maxLogQP,
        security: config.params.security === 'none' ? 'none (test parameters)' : `${config.params.security}-bit classical (HE standard)`,
        plainModulus: config.params.plainModulus,
        specialPrime: config.params.specialPrime,
        ciphertextPrimes: [...config.params.ciphertextPrimes],
        multiplyLevel: config.multiplyLevel,
        sumLevel: config.sumLevel,
      },
      samples: { public: data.public.n, private: priv.n, test: data.test.n, pixels: priv.pixels, features: d },
      accuracy: { float: floatAcc, integer: integerAcc, encrypted: encryptedAcc },
      exact: { mismatches, total: d * CLASSES + CLASSES },
      noiseMarginBits: margin,
      maxAbsSum,
      halfPlainModulus: Math.floor(config.params.plainModulus / 2),
      checks: { wrongKeyMatches, wrongKeyTotal: wrong.length, tamperChanged, secretKeyWindowsFound: found, secretKeyWindowsChecked: windows.length },
      timings: times,
      bytes: { perCiphertext, upload: upload.byteLength, publicKeys, results: server.results.byteLength },
      decrypted: { sums, counts },
      keySwitches: server.times.keySwitches,
    };
  } finally {
    ctx.dispose();
  }
}
