// Programmable bootstrapping end to end. The client holds a TfheSecretKey (binary LWE key s,
// ternary ring key z) and encrypts/decrypts on its CPU; the server holds a TfheServerKey
// (bootstrapping key RGSW(s_i) under z, key-switching key z → s) and runs, for a whole batch
// in one dispatch sequence:
//   switch 2^32 → 2N, blind rotation, extraction of coefficient 0 (an LWE mod Q under z),
//   switch Q → 2^32, key switching z → s
// so the output is again a torus LWE under s with f(m) in place of m, ready for the next one.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { reshape } from '../../kernels/shape/reshape.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { decodePhase, encodeMessage, encryptLwe, generateLweKeySwitchKey, lwePhaseTorus } from '../lwe/cpu.js';
import { lweDimension, lweKeySwitch, modSwitchFromTorus, modSwitchToTorus } from '../lwe/kernels.js';
import { sampleBinary } from '../lwe/sampling.js';
import { sampleTernary } from '../rlwe/sampling.js';
import { RnsContext } from '../rns/context.js';
import { blindRotate, type BlindRotationKey } from './blind-rotate.js';
import { generateBootstrapKey } from './bootstrap-key.js';
import { sampleExtract } from './kernels.js';
import { validateTfheParameters, type TfheParameters } from './params.js';

export interface TfheSecretKey {
  params: TfheParameters;
  /** The LWE key s ∈ {0, 1}^n as u32 words. */
  lwe: Uint32Array;
  /** The ring key z ∈ {−1, 0, 1}^N. */
  ring: Int32Array;
}

/** Fresh keys from the CSPRNG; the parameters are validated (GradwgslError naming the table otherwise). */
export function generateTfheSecretKey(params: TfheParameters): TfheSecretKey {
  const p = validateTfheParameters(params);
  return { params: p, lwe: sampleBinary(p.lweDimension), ring: sampleTernary(p.ringDegree) };
}

/** The server's public material: nothing in it decrypts anything. */
export class TfheServerKey implements BlindRotationKey {
  private constructor(
    readonly params: TfheParameters,
    readonly ring: RnsContext,
    readonly bootstrapKey: readonly Tensor[],
    /** [N, ℓ, n + 1] torus LWE rows under s of z_i·2^(32−β(l+1)). */
    readonly keySwitchKey: Tensor,
  ) {}

  static generate(sk: TfheSecretKey): TfheServerKey {
    const p = validateTfheParameters(sk.params);
    const ring = new RnsContext(p.ringDegree, [p.ringPrime]);
    const bsk = generateBootstrapKey(ring, p, sk.lwe, sk.ring);
    const words = generateLweKeySwitchKey(sk.ring, sk.lwe, p.ksLogBase, p.ksDigits, p.lweRelativeSigma);
    const ksk = runtime().keep(tensor(words, [p.ringDegree, p.ksDigits, p.lweDimension + 1], 'u32', 'fhe/tfhe-ksk'));
    return new TfheServerKey(p, ring, bsk, ksk);
  }

  dispose(): void {
    for (const t of this.bootstrapKey) t.dispose();
    this.keySwitchKey.dispose();
    this.ring.dispose();
  }
}

/** Torus LWE encryptions under s of messages in [0, 2^p) (CPU, client side) → u32 [B·(n + 1)]. */
export function encryptMessages(sk: TfheSecretKey, messages: readonly number[]): Uint32Array {
  const p = sk.params;
  for (const m of messages) if (!Number.isInteger(m) || m < 0 || m >= 2 ** p.messageBits) fail(`encryptMessages: message ${m} is outside [0, 2^${p.messageBits})`);
  return encryptLwe(messages.map((m) => encodeMessage(m, p.messageBits)), sk.lwe, p.lweRelativeSigma);
}

/** Decrypts torus LWE ciphertexts under s (CPU, client side): values in [0, 2^(p+1)), ≥ 2^p meaning a set padding bit. */
export function decryptMessages(sk: TfheSecretKey, ct: Uint32Array): number[] {
  return Array.from(lwePhaseTorus(ct, sk.lwe), (x) => decodePhase(x, sk.params.messageBits));
}

/**
 * Blind rotation and extraction only: torus LWE inputs [B, n + 1] under s → LWE ciphertexts
 * [B, N + 1] mod Q under z whose phase is ≈ TV_table(m)[0] (the encoded f(m)), with the
 * blind rotation's noise and nothing else. The caller chooses the scale through the test
 * polynomial's encoding.
 */
export function bootstrapToRing(key: BlindRotationKey, lwe: Tensor, tv: Tensor, tables?: readonly number[]): Tensor {
  lweDimension(lwe, 'bootstrap', key.params.lweDimension);
  return runtime().tidy(() => {
    const lwe2N = modSwitchFromTorus(lwe, Math.log2(2 * key.params.ringDegree));
    const extracted = sampleExtract(key.ring, blindRotate(key, lwe2N, tv, tables), 0, [0]);
    return reshape(extracted, [lwe.shape[0]!, key.params.ringDegree + 1]);
  });
}

/** Programmable bootstrapping: torus LWE [B, n + 1] under s → torus LWE [B, n + 1] under s encrypting f_table(m). */
export function bootstrap(key: TfheServerKey, lwe: Tensor, tv: Tensor, tables?: readonly number[]): Tensor {
  const p = key.params;
  return runtime().tidy(() => lweKeySwitch(modSwitchToTorus(bootstrapToRing(key, lwe, tv, tables), p.ringPrime), key.keySwitchKey, p.ksLogBase, p.ksDigits));
}
