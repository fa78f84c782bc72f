// FHE bench: gradwgsl's BGV on WebGPU against Microsoft SEAL 4.1 in WASM (npm node-seal 6.0.3),
// in the same process: the NTT of one ciphertext (2 polynomials × k limbs) and ct × ct
// multiply + relinearize, at N = 4096 and 8192. Both sides use the same ring, the same number
// of 31-bit limbs and the same plaintext modulus; SEAL's own default moduli (fewer, wider
// limbs) are timed as well, since that is how SEAL is normally used. gradwgsl is timed on one
// ciphertext (latency) and on a batch (GPU throughput, reported per ciphertext).
import SEAL from 'node-seal';
import { Plaintext } from '../src/fhe/bgv/ciphertext.js';
import { BgvContext, CIPHERTEXT_BASE } from '../src/fhe/bgv/context.js';
import { encryptPublic } from '../src/fhe/bgv/encrypt.js';
import { multiplyRelin } from '../src/fhe/bgv/evaluator.js';
import { generatePublicKey, generateRelinKey, generateSecretKey } from '../src/fhe/bgv/keys.js';
import { GLYPH_PARAMETERS, GLYPH_PRIMES, type BgvParameters } from '../src/fhe/bgv/params.js';
import { ntt } from '../src/fhe/rns/ntt.js';
import { runtime } from '../src/graph/runtime.js';
import { measureAll, type MeasureOptions } from './measure.js';

export type FheOp = 'ntt (one ciphertext)' | 'ct×ct multiply + relinearize';

export interface FheBenchRow {
  op: FheOp;
  n: number;
  engine: string;
  /** Limbs of the ciphertext modulus (plus one special prime for key switching). */
  limbs: number;
  batch: number;
  /** Median time per ciphertext. */
  msPerCiphertext: number;
  rmePct: number;
}

export interface FheBenchOptions {
  sizes: number[];
  /** gradwgsl batch for the throughput rows. */
  batch: number;
  timing: MeasureOptions;
  log?: (message: string) => void;
}

export const FHE_BENCH_DEFAULTS: FheBenchOptions = {
  sizes: [4096, 8192],
  batch: 16,
  timing: { warmup: 2, rounds: 2, minSamples: 5, maxTime: 1 },
};

/** The 128-bit sets with 31-bit limbs: N = 4096 → P + 2 primes (93 bits), 8192 → P + 6 (217 bits). */
function paramsFor(n: number): BgvParameters {
  if (n === 8192) return GLYPH_PARAMETERS;
  if (n === 4096) return { ...GLYPH_PARAMETERS, n, ciphertextPrimes: GLYPH_PRIMES.slice(1, 3) };
  throw new Error(`fhe bench: no parameter set for N = ${n} (use 4096 or 8192)`);
}

/** One engine configuration: its two timed operations, how many ciphertexts each call covers, cleanup. */
interface Contender {
  engine: string;
  limbs: number;
  batch: number;
  ops: Record<FheOp, () => Promise<void>>;
  dispose(): void;
}

function gradwgsl(n: number, batch: number): Contender {
  const rt = runtime();
  const ctx = new BgvContext(paramsFor(n));
  const sk = generateSecretKey(ctx);
  const pk = generatePublicKey(ctx, sk);
  const rlk = generateRelinKey(ctx, sk);
  const slots = Array.from({ length: n }, (_, i) => i % 100);
  const ct = encryptPublic(ctx, pk, Plaintext.encode(ctx, new Array(batch).fill(slots)));
  return {
    engine: 'gradwgsl (WebGPU)',
    limbs: ctx.maxLevel,
    batch,
    ops: {
      'ntt (one ciphertext)': async () => {
        const out = ntt(ctx.ring, ct.data, CIPHERTEXT_BASE);
        await rt.sync();
        out.dispose();
      },
      'ct×ct multiply + relinearize': async () => {
        const out = multiplyRelin(ctx, ct, ct, rlk);
        await rt.sync();
        out.dispose();
      },
    },
    dispose: () => {
      for (const x of [ct, sk, pk, rlk, ctx]) x.dispose();
    },
  };
}

type Seal = Awaited<ReturnType<typeof SEAL>>;

function sealContender(seal: Seal, n: number, bits: number[], engine: string, t: number): Contender {
  const parms = seal.EncryptionParameters(seal.SchemeType.bgv);
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from(bits)));
  parms.setPlainModulus(seal.Modulus(BigInt(t)));
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  if (!context.parametersSet()) throw new Error(`SEAL rejected N = ${n} with ${bits.length} primes of [${bits}] bits`);
  const keygen = seal.KeyGenerator(context);
  const encryptor = seal.Encryptor(context, keygen.createPublicKey());
  const relin = keygen.createRelinKeys();
  const evaluator = seal.Evaluator(context);
  const encoder = seal.BatchEncoder(context);
  const plain = encoder.encode(Int32Array.from({ length: n }, (_, i) => i % 100));
  const ct = plain && encryptor.encrypt(plain);
  if (!plain || !ct) throw new Error('SEAL: encoding or encryption returned nothing');
  // BGV ciphertexts are kept in the NTT domain; time the forward transform of the coefficient form.
  const coeff = seal.CipherText();
  evaluator.cipherTransformFromNtt(ct, coeff);
  const dest = seal.CipherText();
  const product = seal.CipherText();
  return {
    engine,
    limbs: bits.length - 1,
    batch: 1,
    ops: {
      'ntt (one ciphertext)': async () => {
        evaluator.cipherTransformToNtt(coeff, dest);
      },
      'ct×ct multiply + relinearize': async () => {
        evaluator.multiply(ct, ct, product);
        evaluator.relinearize(product, relin, product);
      },
    },
    dispose: () => {
      for (const x of [plain, ct, coeff, dest, product, relin, evaluator, encoder, encryptor, keygen, context, parms]) x.delete();
    },
  };
}

/** SEAL's BFVDefault bit sizes at 128-bit security (the last prime is the special one). */
const SEAL_DEFAULT_BITS: Record<number, number[]> = { 4096: [36, 36, 37], 8192: [43, 43, 44, 44, 44] };

/** Runs every row, engines alternating round by round; gradwgsl must be initialised (init()) first. */
export async function runFheBench(opts: FheBenchOptions = FHE_BENCH_DEFAULTS): Promise<FheBenchRow[]> {
  const seal = await SEAL();
  const rows: FheBenchRow[] = [];
  for (const n of opts.sizes) {
    const p = paramsFor(n);
    opts.log?.(`fhe bench N = ${n}`);
    const contenders = [
      gradwgsl(n, 1),
      gradwgsl(n, opts.batch),
      sealContender(seal, n, new Array(p.ciphertextPrimes.length + 1).fill(31), 'SEAL 4.1 WASM (same limbs)', p.plainModulus),
      sealContender(seal, n, SEAL_DEFAULT_BITS[n]!, 'SEAL 4.1 WASM (default moduli)', p.plainModulus),
    ];
    for (const op of ['ntt (one ciphertext)', 'ct×ct multiply + relinearize'] as const) {
      const named = Object.fromEntries(contenders.map((c, i) => [String(i), c.ops[op]]));
      const timings = await measureAll(named, `${op} N=${n}`, opts.timing);
      contenders.forEach((c, i) => {
        const t = timings[String(i)]!;
        rows.push({ op, n, engine: c.engine, limbs: c.limbs, batch: c.batch, msPerCiphertext: t.medianMs / c.batch, rmePct: t.rmePct });
      });
    }
    for (const c of contenders) c.dispose();
  }
  return rows;
}

/** A markdown table of the rows (for bench/RESULTS.md). */
export function fheBenchTable(rows: readonly FheBenchRow[]): string {
  const lines = ['| op | N | engine | limbs | batch | ms / ciphertext | ±% |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.op} | ${r.n} | ${r.engine} | ${r.limbs} | ${r.batch} | ${r.msPerCiphertext.toFixed(3)} | ${r.rmePct.toFixed(1)} |`);
  return lines.join('\n');
}
