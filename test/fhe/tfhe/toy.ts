// Small TFHE parameter sets for the kernel tests (security 'none': arithmetic checks only).
import type { TfheParameters } from '../../../src/fhe/tfhe/params.js';

/** N = 64, n = 9: small enough for the BigInt reference of whole blind rotations. */
export const TINY: TfheParameters = {
  lweDimension: 9,
  lweRelativeSigma: 2 ** -24,
  ringDegree: 64,
  ringPrime: 2147352577,
  gadgetLogBase: 8,
  gadgetDigits: 4,
  ksLogBase: 2,
  ksDigits: 8,
  messageBits: 3,
  security: 'none',
};

/**
 * N = 512, n = 32, 4-bit messages: bootstraps correctly (failure < 2^-100 by pbsNoiseBudget) in
 * seconds on lavapipe, for the controls and the noise measurements.
 */
export const SMALL: TfheParameters = {
  lweDimension: 32,
  lweRelativeSigma: 2 ** -17,
  ringDegree: 512,
  ringPrime: 2147352577,
  gadgetLogBase: 8,
  gadgetDigits: 4,
  ksLogBase: 2,
  ksDigits: 8,
  messageBits: 4,
  security: 'none',
};
