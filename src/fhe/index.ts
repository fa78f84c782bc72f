/**
 * gradwgsl's lattice cryptography: u32 modular arithmetic and the negacyclic NTT (arith, CPU
 * twins and BigInt-exact tables), RNS polynomials on the GPU (rns), RLWE ciphertext kernels and
 * key switching (rlwe), the BGV scheme with batching (bgv), torus LWE batches (lwe) and TFHE
 * programmable bootstrapping on the same NTT (tfhe). Its own entry point, since
 * evaluator names (add, sub, ...) mirror the tensor ops.
 * @module gradwgsl/fhe
 */
/// <reference types="@webgpu/types" preserve="true" />
export { RnsContext } from './rns/context.js';
export { ntt, intt } from './rns/ntt.js';
export { polyAdd, polySub, polyMul, polyBinary, mulConstant, toMontgomery, negate, type RowMap } from './rns/poly.js';
export { selectParts, selectLimb, leadingLimbs, gatherBatch, liftSigned, liftCentered, decompose, modDown } from './rns/basis.js';
export { automorph } from './rns/automorph.js';
export {
  encryptSymmetric as rlweEncryptSymmetric, encryptPublic as rlweEncryptPublic, decryptDot, tensorProduct, addParts,
  linearCombine, keyInnerProduct, gadgetMessages,
} from './rlwe/ops.js';
export { keySwitch, generateKeySwitchKey, uniformPolys, gaussianPolys } from './rlwe/keyswitch.js';
export { sampleUniform, sampleTernary, sampleGaussian, randomWords, ERROR_SIGMA, ERROR_BOUND, ERROR_VARIANCE } from './rlwe/sampling.js';

export { BgvContext, CIPHERTEXT_BASE } from './bgv/context.js';
export {
  validateParameters, sameParameters, MAX_CIPHERTEXT_PRIMES, GLYPH_PARAMETERS, GLYPH_PRIMES, GLYPH_HYBRID_PARAMETERS, HE_STANDARD_MAX_LOG_QP,
  type BgvParameters, type ValidatedParameters, type SecurityLevel, type PlainEncoding,
} from './bgv/params.js';
export { encodeCoefficients, decryptCoefficients, matrixCoefficients, dotCoefficient, rowSpacing } from './bgv/coefficients.js';
export { switchToMsb, bgvToLwe, msbScale, lsbToMsbConstant } from './bgv/switch.js';
export { Ciphertext, Plaintext } from './bgv/ciphertext.js';
export { BatchEncoder, rowRotationElement, rowSwapElement } from './bgv/encoder.js';
export {
  SecretKey, PublicKey, RelinKey, GaloisKeys, generateSecretKey, generatePublicKey, generateRelinKey, generateGaloisKeys,
} from './bgv/keys.js';
export {
  encryptPublic, encryptSymmetric, decrypt, decryptSigned, decryptRaw, decodeRaw, rawBudget, noiseBudget, liftPlaintext,
} from './bgv/encrypt.js';
export * as evaluator from './bgv/evaluator.js';
export { serialize, deserialize, readBlob, uploadBlob, type Transferable, type CheckedBlob } from './bgv/serialize.js';
export type { BlobHeader, BlobEntry, Chunk as BlobChunk, ItemKind } from './bgv/blob-header.js';
export { BlobFormatError } from './serial/format-error.js';

export { nttTables, type NttTables } from './arith/ntt-tables.js';
export { nttForward, nttInverse } from './arith/ntt-cpu.js';
export { mulhi, montMul, shoupMul, shoupCompanion, montgomeryNegInverse, addMod, subMod } from './arith/u32.js';

export {
  encodeMessage, decodePhase, encryptLwe, lwePhaseTorus, lwePhaseModQ, modSwitchWords, torusSwitchConstants,
  generateLweKeySwitchKey, keySwitchCpu, keySwitchDigits,
} from './lwe/cpu.js';
export { lwePhase, modSwitchToTorus, modSwitchFromTorus, lweKeySwitch, lweDimension } from './lwe/kernels.js';
export { sampleBinary, sampleTorus, sampleTorusGaussian } from './lwe/sampling.js';

export { TFHE_PARAMETERS, VALIDATED_LWE, validateTfheParameters, type TfheParameters } from './tfhe/params.js';
export { pbsNoiseBudget, blindRotationVariance, keySwitchVariance, log2Erfc, type PbsNoiseBudget } from './tfhe/noise.js';
export { measureBlindRotationNoise, measureKeySwitchNoise, type NoiseSample } from './tfhe/noise-measure.js';
export {
  testPolynomial, testPolynomials, msbEncoding, reluTable, reluDerivativeTable, shiftTable, clampTable,
} from './tfhe/test-polynomial.js';
export { blindRotate, type BlindRotationKey } from './tfhe/blind-rotate.js';
// Two sample-extraction kernels met in the merge (rlwe/extract.ts for BGV, tfhe/kernels.ts for
// accumulators, argument orders differ): the TFHE one is exported under its own name.
export { accumulatorInit, cmuxDecompose, sampleExtract as tfheSampleExtract } from './tfhe/kernels.js';
export { generateBootstrapKey, ringKeyNtt } from './tfhe/bootstrap-key.js';
export {
  TfheServerKey, generateTfheSecretKey, encryptMessages, decryptMessages, bootstrap, bootstrapToRing, type TfheSecretKey,
} from './tfhe/pbs.js';
export { blindRotateCpu, sampleExtractCpu, rotateCpu, gadgetDigitsCpu, ringPhaseCpu, type BlindRotationReference } from './tfhe/reference.js';
export { generatePackingKey, packLwe, packingSlots, type PackingKey } from './rlwe/pack.js';
export { generateBgvPackingKey, lweToBgv } from './bgv/from-lwe.js';
