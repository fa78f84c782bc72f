// Measured noise (G5), client side: with the secret keys, the exact expected phase of every
// output is known, so the error of each sample is read off directly and its mean square
// compared with the analytic variance of noise.ts.
//   blind rotation: every coefficient of every accumulator is one sample (N per input), the
//     expected phase being X^{−μ~}·TV for μ~ = b~ − <a~, s> mod 2N computed in the clear;
//   key switching: torus LWEs under z with exactly known phase, switched to s.
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import { encodeMessage, encryptLwe, lwePhaseTorus } from '../lwe/cpu.js';
import { lweKeySwitch, modSwitchFromTorus } from '../lwe/kernels.js';
import { sampleTorus } from '../lwe/sampling.js';
import { blindRotate } from './blind-rotate.js';
import { blindRotationVariance, keySwitchVariance } from './noise.js';
import type { TfheSecretKey, TfheServerKey } from './pbs.js';
import { ringPhaseCpu, rotateCpu } from './reference.js';
import { reluTable, testPolynomial, testPolynomials } from './test-polynomial.js';

export interface NoiseSample {
  /** Mean square error, in units of the whole torus (error / modulus)². */
  measured: number;
  analytic: number;
  samples: number;
}

/** Blind rotation noise over `inputs` random messages (inputs · N samples). */
export async function measureBlindRotationNoise(sk: TfheSecretKey, server: TfheServerKey, inputs: number): Promise<NoiseSample> {
  const p = sk.params;
  const N = p.ringDegree;
  const q = p.ringPrime;
  const messages = Array.from(sampleTorus(inputs), (w) => w % 2 ** p.messageBits);
  const tvWords = testPolynomial(p, reluTable(p.messageBits));
  const [switched, acc] = runtime().tidy(() => {
    const ct = tensor(encryptLwe(messages.map((m) => encodeMessage(m, p.messageBits)), sk.lwe, p.lweRelativeSigma), [inputs, p.lweDimension + 1], 'u32');
    const lwe2N = modSwitchFromTorus(ct, Math.log2(2 * N));
    return [lwe2N, blindRotate(server, lwe2N, testPolynomials(p, [reluTable(p.messageBits)]))];
  });
  const lwe2N = (await switched.data()) as Uint32Array;
  const accWords = (await acc.data()) as Uint32Array;
  switched.dispose();
  acc.dispose();
  let sum = 0;
  for (let c = 0; c < inputs; c++) {
    const row = lwe2N.subarray(c * (p.lweDimension + 1), (c + 1) * (p.lweDimension + 1));
    let mu = row[p.lweDimension]!;
    for (let i = 0; i < p.lweDimension; i++) mu -= row[i]! * sk.lwe[i]!;
    mu = ((mu % (2 * N)) + 2 * N) % (2 * N);
    const expected = rotateCpu(tvWords, (2 * N - mu) % (2 * N), q);
    const phase = ringPhaseCpu(accWords.subarray(2 * c * N, (2 * c + 1) * N), accWords.subarray((2 * c + 1) * N, (2 * c + 2) * N), sk.ring, server.ring.tables[0]!);
    for (let x = 0; x < N; x++) {
      let e = phase[x]! - expected[x]!;
      if (e > q / 2) e -= q;
      else if (e < -q / 2) e += q;
      sum += e * e;
    }
  }
  const samples = inputs * N;
  return { measured: sum / samples / q ** 2, analytic: blindRotationVariance(p), samples };
}

/** Key-switching noise over `count` torus LWEs under the ring key with known phases (chunks of ≤ 1024 per dispatch). */
export async function measureKeySwitchNoise(sk: TfheSecretKey, server: TfheServerKey, count: number): Promise<NoiseSample> {
  const p = sk.params;
  const N = p.ringDegree;
  const zWords = Uint32Array.from(sk.ring, (v) => v >>> 0);
  let sum = 0;
  for (let done = 0; done < count; ) {
    const B = Math.min(1024, count - done);
    const mu = sampleTorus(B);
    // σ = 2^-40 of the torus rounds to an error of exactly 0: the input phase is μ.
    const ct = encryptLwe(mu, zWords, 2 ** -40);
    const switched = runtime().tidy(() => lweKeySwitch(tensor(ct, [B, N + 1], 'u32'), server.keySwitchKey, p.ksLogBase, p.ksDigits));
    const out = (await switched.data()) as Uint32Array;
    switched.dispose();
    lwePhaseTorus(out, sk.lwe).forEach((phase, i) => {
      const e = ((phase - mu[i]!) | 0) / 2 ** 32;
      sum += e * e;
    });
    done += B;
  }
  return { measured: sum / count, analytic: keySwitchVariance(p), samples: count };
}
