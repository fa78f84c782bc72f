// `gradwgsl reproduce glyph --quick` through the CLI's own code path, at the spec's 128-bit
// parameters (N = 8192): the run CI must show works end to end, not only on the test ring.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reproduce } from '../../src/cli/reproduce.js';
import type { GlyphResult } from '../../src/experiments/glyph/index.js';
import { gpu } from '../setup.js';

beforeAll(async () => {
  const rt = await gpu();
  rt.poison = false; // thousands of dispatches; the FHE kernels' own tests run poisoned
});

describe('reproduce glyph --quick', () => {
  it('trains on encrypted features at 128-bit parameters with exact sums and plaintext-level accuracy', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gradwgsl-glyph-'));
    const record = await reproduce('glyph', { quick: true, out, json: true });
    const result = record.result as GlyphResult;
    expect(result.exact.mismatches).toBe(0);
    expect(Math.abs(result.accuracy.encrypted - result.accuracy.float)).toBeLessThanOrEqual(0.01);
    expect(result.noiseMarginBits).toBeGreaterThanOrEqual(10);
    expect(result.checks.wrongKeyMatches).toBeLessThanOrEqual(1);
    expect(result.checks.secretKeyWindowsFound).toBe(0);
    expect(record.claims.find((c) => c.claim.startsWith('training on encrypted'))!.verdict).toBe('supported');
  }, 1_200_000);
});
