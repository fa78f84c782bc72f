// The TFHE parameter table is enforced: the 128-bit set validates; anything outside the table
// (another LWE dimension or σ, a ring beyond the HE standard, arithmetic that cannot work) is
// refused with a GradwgslError that names the table or the field; 'none' is for tests only.
import { describe, expect, it } from 'vitest';
import { GradwgslError } from '../../../src/device/errors.js';
import { TFHE_PARAMETERS, VALIDATED_LWE, validateTfheParameters } from '../../../src/fhe/tfhe/params.js';
import { generateTfheSecretKey } from '../../../src/fhe/tfhe/pbs.js';

describe('TFHE parameter validation', () => {
  it('accepts the 128-bit set, whose LWE row cites its source', () => {
    expect(validateTfheParameters(TFHE_PARAMETERS)).toBe(TFHE_PARAMETERS);
    const row = VALIDATED_LWE.find((r) => r.n === TFHE_PARAMETERS.lweDimension)!;
    expect(row.source).toMatch(/TFHE-rs/);
  });

  it.each([
    ['a smaller LWE dimension', { lweDimension: 630 }, /VALIDATED_LWE/],
    ['a smaller LWE error', { lweRelativeSigma: 2 ** -20 }, /VALIDATED_LWE/],
    ['a ring beyond the HE standard (N = 1024, 31-bit Q)', { ringDegree: 1024 }, /HE_STANDARD_MAX_LOG_QP/],
    ['a ring prime that is not ≡ 1 mod 2N', { ringPrime: 2147483647 }, /ringPrime/],
    ['a gadget that does not cover Q', { gadgetDigits: 3 }, /gadget/],
    ['a key-switching precision over 31 bits', { ksLogBase: 4, ksDigits: 8 }, /key-switching/],
    ['more message bits than the ring holds', { messageBits: 11 }, /messageBits/],
  ])('refuses %s', (_, change, message) => {
    const bad = { ...TFHE_PARAMETERS, ...change };
    expect(() => validateTfheParameters(bad)).toThrow(GradwgslError);
    expect(() => validateTfheParameters(bad)).toThrow(message);
    expect(() => generateTfheSecretKey(bad)).toThrow(GradwgslError);
  });

  it("'none' skips only the security table, not the arithmetic", () => {
    expect(() => validateTfheParameters({ ...TFHE_PARAMETERS, lweDimension: 16, security: 'none' })).not.toThrow();
    expect(() => validateTfheParameters({ ...TFHE_PARAMETERS, gadgetDigits: 2, security: 'none' })).toThrow(/gadget/);
  });
});
