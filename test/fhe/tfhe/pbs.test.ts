// G3 — programmable bootstrapping evaluates its table exactly on every message, with controls
// that must break it: a wrong test polynomial, a wrong key, too small a ring modulus. Whole input
// spaces run as one batch (one dispatch sequence). The 128-bit set's own run is in
// pbs-128.test.ts; this file uses SMALL (N = 512, n = 32), which pbsNoiseBudget puts far below 2^-100.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, decryptMessages, encryptMessages, generateTfheSecretKey, TfheServerKey, type TfheSecretKey } from '../../../src/fhe/tfhe/pbs.js';
import { pbsNoiseBudget } from '../../../src/fhe/tfhe/noise.js';
import type { TfheParameters } from '../../../src/fhe/tfhe/params.js';
import { clampTable, reluDerivativeTable, reluTable, shiftTable, testPolynomials } from '../../../src/fhe/tfhe/test-polynomial.js';
import { tensor } from '../../../src/tensor/create.js';
import { gpu } from '../../setup.js';
import { SMALL } from './toy.js';

beforeAll(gpu);

const P = SMALL.messageBits;
const SPACE = Array.from({ length: 2 ** P }, (_, m) => m);
const TABLES = [reluTable(P), reluDerivativeTable(P), shiftTable(P, 2), clampTable(P, -3, 5), SPACE.map((m) => (m * 7 + 3) % 16)];

/** Bootstraps every message `copies` times with every table in one batch; returns decrypted outputs and the expected ones. */
async function run(sk: TfheSecretKey, server: TfheServerKey, params: TfheParameters, copies: number, tableOf = (t: number) => t) {
  const inputs: number[] = [];
  const choice: number[] = [];
  const want: number[] = [];
  TABLES.forEach((f, t) => {
    for (let c = 0; c < copies; c++) {
      for (const m of SPACE) {
        inputs.push(m);
        choice.push(tableOf(t));
        want.push(f[m]!);
      }
    }
  });
  const ct = tensor(encryptMessages(sk, inputs), [inputs.length, params.lweDimension + 1], 'u32');
  const out = await bootstrap(server, ct, testPolynomials(params, TABLES), choice).data();
  return { got: decryptMessages(sk, out as Uint32Array), want };
}

const agreement = (a: number[], b: number[]) => a.filter((v, i) => v === b[i]).length / a.length;

describe('PBS exactness on the whole 4-bit space (SMALL) and its controls', () => {
  it('ReLU, ReLU′, a requantising shift, a clamp and an arbitrary table are exact on every message, 3 encryptions each (B = 240)', async () => {
    expect(pbsNoiseBudget(SMALL).log2Failure).toBeLessThan(-100);
    const sk = generateTfheSecretKey(SMALL);
    const server = TfheServerKey.generate(sk);
    const { got, want } = await run(sk, server, SMALL, 3);
    expect(got).toEqual(want);
    // Control: every input reads its neighbour's table; the outputs must no longer be the table's.
    const wrong = await run(sk, server, SMALL, 1, (t) => (t + 1) % TABLES.length);
    expect(agreement(wrong.got, wrong.want)).toBeLessThan(0.6);
    server.dispose();
  });

  it('a server key made from another secret key breaks the outputs', async () => {
    const sk = generateTfheSecretKey(SMALL);
    const other = TfheServerKey.generate(generateTfheSecretKey(SMALL));
    const { got, want } = await run(sk, other, SMALL, 1);
    expect(agreement(got, want)).toBeLessThan(0.5);
    other.dispose();
  });

  it('too small a ring modulus (Q = 12289: the blind rotation noise fills it) breaks the outputs', async () => {
    const tiny = { ...SMALL, ringPrime: 12289 };
    expect(pbsNoiseBudget(tiny).log2Failure).toBeGreaterThan(-2);
    const sk = generateTfheSecretKey(tiny);
    const server = TfheServerKey.generate(sk);
    const { got, want } = await run(sk, server, tiny, 1);
    expect(agreement(got, want)).toBeLessThan(0.5);
    server.dispose();
  });
});
