// The LWE kernels bit-exact against their CPU references (src/fhe/lwe/cpu.ts) on random inputs
// of odd batch sizes, outputs poisoned first (test/setup.ts): phases, both modulus switches and
// key switching; and the CPU encryption/decoding round trip they rest on.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodePhase, encodeMessage, encryptLwe, generateLweKeySwitchKey, keySwitchCpu, lwePhaseModQ, lwePhaseTorus, modSwitchWords,
} from '../../../src/fhe/lwe/cpu.js';
import { lweKeySwitch, lwePhase, modSwitchFromTorus, modSwitchToTorus } from '../../../src/fhe/lwe/kernels.js';
import { sampleBinary, sampleTorus } from '../../../src/fhe/lwe/sampling.js';
import { sampleTernary } from '../../../src/fhe/rlwe/sampling.js';
import { tensor } from '../../../src/tensor/create.js';
import { gpu } from '../../setup.js';
import { randomResidues } from '../reference.js';

beforeAll(gpu);

const u32 = (words: Uint32Array, shape: number[]) => tensor(words, shape, 'u32');

describe('LWE kernels vs the CPU references', () => {
  it('encrypt → phase → decode returns every message; the GPU phase equals the CPU phase', async () => {
    const n = 37;
    const s = sampleBinary(n);
    const messages = Array.from({ length: 33 }, (_, i) => i % 16);
    const ct = encryptLwe(messages.map((m) => encodeMessage(m, 4)), s, 2 ** -20);
    const phase = lwePhaseTorus(ct, s);
    expect(Array.from(phase, (x) => decodePhase(x, 4))).toEqual(messages);
    const gpuPhase = await lwePhase(u32(ct, [33, n + 1]), u32(s, [n])).data();
    expect(Array.from(gpuPhase)).toEqual(Array.from(phase));
  });

  it('modulus switching prime → torus and torus → 2^k match modSwitchWords bit for bit', async () => {
    for (const q of [2147352577, 1073479681, 12289, 7]) {
      const words = randomResidues(7 * 13, q, q % 1000);
      words[0] = 0;
      words[1] = q - 1;
      const got = await modSwitchToTorus(u32(words, [7, 13]), q).data();
      expect(Array.from(got)).toEqual(Array.from(modSwitchWords(words, { prime: q }, 32)));
    }
    const torus = sampleTorus(5 * 11);
    torus[0] = 0xffffffff; // rounds up past 2^32: wraps to 0
    for (const logTo of [1, 12, 24]) {
      const got = await modSwitchFromTorus(u32(torus, [5, 11]), logTo).data();
      expect(Array.from(got)).toEqual(Array.from(modSwitchWords(torus, 'torus', logTo)));
    }
  });

  it('the prime → torus switch stays within 2 units of x·2^32/Q', () => {
    const q = 2147352577;
    const words = randomResidues(1001, q, 5);
    const out = modSwitchWords(words, { prime: q }, 32);
    words.forEach((x, i) => expect(Math.abs(out[i]! - (x * 2 ** 32) / q)).toBeLessThan(2));
  });

  it('key switching (odd batch, N = 24 → n = 13, several bases) matches keySwitchCpu and keeps the message', async () => {
    const N = 24;
    const n = 13;
    const z = sampleTernary(N);
    const s = sampleBinary(n);
    const B = 9;
    const messages = Array.from({ length: B }, (_, i) => (i * 5) % 16);
    // Inputs under z over the torus, encrypted with a tiny error so the output decodes.
    const zWords = Uint32Array.from(z, (v) => v >>> 0);
    const ct = encryptLwe(messages.map((m) => encodeMessage(m, 4)), zWords, 2 ** -24);
    expect(Array.from(lwePhaseModQ(ct, z, 2 ** 32), (x) => decodePhase(x, 4))).toEqual(messages);
    for (const [logBase, digits] of [[2, 8], [3, 5], [1, 31], [7, 3]] as const) {
      const ksk = generateLweKeySwitchKey(z, s, logBase, digits, 2 ** -24);
      const want = keySwitchCpu(ct, ksk, { N, n, logBase, digits });
      const got = await lweKeySwitch(u32(ct, [B, N + 1]), u32(ksk, [N, digits, n + 1]), logBase, digits).data();
      expect(Array.from(got)).toEqual(Array.from(want));
      if (logBase * digits >= 15) expect(Array.from(lwePhaseTorus(want, s), (x) => decodePhase(x, 4))).toEqual(messages);
    }
  });
});
