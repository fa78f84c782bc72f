// G5 in CI — measured against analytic noise (src/fhe/tfhe/noise.ts) within 20%, on SMALL
// (N = 512, n = 32) so that it runs in seconds: blind rotation over 9 inputs × 512
// coefficients (relative standard error of the variance ≈ 2%) and key switching over 2,001
// ciphertexts (≈ 3%). scripts/tfhe-noise.ts does the same with ≥ 10^4 samples on the 128-bit set.
// Also the analytic budget of the 128-bit set itself: failure ≤ 2^-40 per bootstrapping.
import { beforeAll, describe, expect, it } from 'vitest';
import { measureBlindRotationNoise, measureKeySwitchNoise } from '../../../src/fhe/tfhe/noise-measure.js';
import { log2Erfc, pbsNoiseBudget } from '../../../src/fhe/tfhe/noise.js';
import { TFHE_PARAMETERS } from '../../../src/fhe/tfhe/params.js';
import { generateTfheSecretKey, TfheServerKey } from '../../../src/fhe/tfhe/pbs.js';
import { gpu } from '../../setup.js';
import { SMALL } from './toy.js';

beforeAll(gpu);

describe('TFHE noise: analytic budget and measurement', () => {
  it('log2Erfc matches known values of erfc', () => {
    // erfc(1) = 0.157299207050285, erfc(3) = 2.20904969985854e-5, erfc(7) = 4.18382560777942e-23
    expect(log2Erfc(1)).toBeCloseTo(Math.log2(0.157299207050285), 9);
    expect(log2Erfc(3)).toBeCloseTo(Math.log2(2.20904969985854e-5), 9);
    expect(log2Erfc(7)).toBeCloseTo(Math.log2(4.18382560777942e-23), 9);
  });

  it('the 128-bit set bootstraps 4-bit messages with failure ≤ 2^-40; 5-bit messages would not', () => {
    const b = pbsNoiseBudget(TFHE_PARAMETERS);
    expect(b.log2Failure).toBeLessThan(-40);
    expect(b.total).toBeCloseTo(b.blindRotation + b.modSwitchToTorus + b.keySwitch + b.modSwitchTo2N, 15);
    expect(pbsNoiseBudget({ ...TFHE_PARAMETERS, messageBits: 5 }).log2Failure).toBeGreaterThan(-40);
  });

  it('measured blind-rotation and key-switching variances are within 20% of the analytic ones', async () => {
    const sk = generateTfheSecretKey(SMALL);
    const server = TfheServerKey.generate(sk);
    const br = await measureBlindRotationNoise(sk, server, 9);
    const ks = await measureKeySwitchNoise(sk, server, 2001);
    for (const m of [br, ks]) {
      expect(m.measured / m.analytic).toBeGreaterThan(0.8);
      expect(m.measured / m.analytic).toBeLessThan(1.2);
    }
    server.dispose();
  });
});
