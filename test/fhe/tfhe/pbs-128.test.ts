// G3 on the 128-bit set itself (TFHE_PARAMETERS: n = 742, N = 2048, 4-bit messages): one batch
// holding every message of the space once, message m through table m mod 3 (ReLU, ReLU′, a
// requantising shift), must come back exact. Sized for lavapipe: 742 CMux steps for a batch of
// 16. The exhaustive run (every table × every message × several encryptions) on this set is
// scripts/tfhe-noise.ts; test/fhe/tfhe/pbs.test.ts does it, with its controls, on SMALL.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, decryptMessages, encryptMessages, generateTfheSecretKey, TfheServerKey } from '../../../src/fhe/tfhe/pbs.js';
import { TFHE_PARAMETERS } from '../../../src/fhe/tfhe/params.js';
import { reluDerivativeTable, reluTable, shiftTable, testPolynomials } from '../../../src/fhe/tfhe/test-polynomial.js';
import { tensor } from '../../../src/tensor/create.js';
import { gpu } from '../../setup.js';

beforeAll(gpu);

describe('PBS with the 128-bit parameters', () => {
  it('ReLU, ReLU′ and a right shift by 1 are exact on all 16 messages in one batch (B = 16)', async () => {
    const p = TFHE_PARAMETERS;
    const sk = generateTfheSecretKey(p);
    const server = TfheServerKey.generate(sk);
    const tables = [reluTable(4), reluDerivativeTable(4), shiftTable(4, 1)];
    const inputs = Array.from({ length: 16 }, (_, m) => m);
    const choice = inputs.map((m) => m % tables.length);
    const ct = tensor(encryptMessages(sk, inputs), [inputs.length, p.lweDimension + 1], 'u32');
    const out = (await bootstrap(server, ct, testPolynomials(p, tables), choice).data()) as Uint32Array;
    expect(decryptMessages(sk, out)).toEqual(inputs.map((m, i) => tables[choice[i]!]![m]!));
    server.dispose();
  }, 900_000);
});
