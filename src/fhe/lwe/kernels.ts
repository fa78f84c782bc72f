// LWE kernels on batches of ciphertexts [B, dim + 1]: phases (decryption before decoding),
// modulus switching and key switching, each one dispatch for the whole batch.
// Kernels: shaders/fhe/lwe-{phase,modswitch,keyswitch}.wgsl; references: ./cpu.ts.
import keySwitchSource from '../../../shaders/fhe/lwe-keyswitch.wgsl';
import modSwitchSource from '../../../shaders/fhe/lwe-modswitch.wgsl';
import phaseSource from '../../../shaders/fhe/lwe-phase.wgsl';
import modarith from '../../../shaders/fhe/modarith.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { torusSwitchConstants } from './cpu.js';
import { flatOp } from './kernel-op.js';

/** [B, dim + 1] u32 → dim, or a GradwgslError naming the op and the expected shape. */
export function lweDimension(ct: Tensor, what: string, dim?: number): number {
  if (ct.dtype !== 'u32' || ct.rank !== 2 || ct.shape[1]! < 2 || (dim !== undefined && ct.shape[1] !== dim + 1)) {
    fail(`${what}: ciphertexts ${fmt(ct.shape)} must be u32 [B, ${dim === undefined ? 'dim' : dim} + 1]`);
  }
  return ct.shape[1]! - 1;
}

const phaseOp = flatOp<Record<string, never>>({
  name: 'fhe.lwePhase',
  kernel: new Kernel({ name: 'fhe/lwe-phase', source: phaseSource }),
  bind: ['ct', 's'],
  shape([ct, s]) {
    const n = lweDimension(ct!, 'lwePhase');
    if (s!.dtype !== 'u32' || s!.numel !== n) fail(`lwePhase: the key ${fmt(s!.shape)} must be u32 [${n}]`);
    return [ct!.shape[0]!];
  },
  uniforms: ([ct]) => ({ n: ct!.shape[1]! - 1 }),
});

/** b − <a, s> mod 2^32 for every torus ciphertext of ct [B, n + 1] under the binary key s [n] → [B]. */
export function lwePhase(ct: Tensor, s: Tensor): Tensor {
  return phaseOp([ct, s], {});
}

interface SwitchAttrs {
  /** floor(2^(31+k)/Q) for a switch from a prime; 0 for a switch from the torus. */
  factor: number;
  shift: number;
  logTo: number;
}

const switchOp = flatOp<SwitchAttrs>({
  name: 'fhe.lweModSwitch',
  kernel: new Kernel({ name: 'fhe/lwe-modswitch', source: [modarith, modSwitchSource] }),
  bind: ['x'],
  shape([x]) {
    if (x!.dtype !== 'u32') fail(`lweModSwitch: ${x} must be u32 words`);
    return x!.shape;
  },
  uniforms: (_, { factor, shift, logTo }) => ({ factor, shift, log_to: logTo }),
  constants: ({ factor }) => ({ FROM_PRIME: factor === 0 ? 0 : 1 }),
});

/** Every word of x (residues mod the prime q, e.g. extracted ciphertexts) switched to the torus 2^32. */
export function modSwitchToTorus(x: Tensor, q: number): Tensor {
  const { bits, factor } = torusSwitchConstants(q);
  return switchOp([x], { factor, shift: bits - 1, logTo: 32 });
}

/** Every torus word of x switched to 2^logTo (e.g. 2N before a blind rotation), 1 ≤ logTo ≤ 24. */
export function modSwitchFromTorus(x: Tensor, logTo: number): Tensor {
  if (!Number.isInteger(logTo) || logTo < 1 || logTo > 24) fail(`lweModSwitch: target 2^${logTo} must have 1 ≤ logTo ≤ 24`);
  return switchOp([x], { factor: 0, shift: 32 - logTo, logTo });
}

interface KeySwitchAttrs {
  logBase: number;
  digits: number;
}

const keySwitchOp = flatOp<KeySwitchAttrs>({
  name: 'fhe.lweKeySwitch',
  kernel: new Kernel({ name: 'fhe/lwe-keyswitch', source: keySwitchSource }),
  bind: ['ct', 'ksk'],
  shape([ct, ksk], { digits }) {
    const N = lweDimension(ct!, 'lweKeySwitch');
    if (ksk!.dtype !== 'u32' || ksk!.rank !== 3 || ksk!.shape[0] !== N || ksk!.shape[1] !== digits) {
      fail(`lweKeySwitch: the key ${fmt(ksk!.shape)} must be u32 [${N}, ${digits}, n + 1] for ciphertexts ${fmt(ct!.shape)}`);
    }
    return [ct!.shape[0]!, ksk!.shape[2]!];
  },
  uniforms: ([ct, ksk], { logBase, digits }) => ({ big_n: ct!.shape[1]! - 1, n: ksk!.shape[2]! - 1, log_base: logBase, digits }),
});

/**
 * Torus ciphertexts [B, N + 1] under z → [B, n + 1] under s, with the key [N, ℓ, n + 1] of
 * generateLweKeySwitchKey (base 2^logBase, ℓ digits, logBase·ℓ ≤ 31).
 */
export function lweKeySwitch(ct: Tensor, ksk: Tensor, logBase: number, digits: number): Tensor {
  if (!Number.isInteger(logBase) || !Number.isInteger(digits) || logBase < 1 || digits < 1 || logBase * digits > 31) {
    fail(`lweKeySwitch: base 2^${logBase} with ${digits} digits must keep between 1 and 31 bits`);
  }
  return keySwitchOp([ct, ksk], { logBase, digits });
}
