// G2 (spec part 2 §5): the integer simulation, run to completion on the full private split,
// reaches test accuracy within 3 points of float64 training of the same architecture.
import { describe, expect, it } from 'vitest';
import { glyphSplit } from '../../../src/experiments/glyph/data.js';
import { HYBRID_DEFAULT, HYBRID_QUICK } from '../../../src/experiments/glyph/hybrid/config.js';
import { G2_MAX_GAP_POINTS, hybridUtility } from '../../../src/experiments/glyph/hybrid/utility.js';
import { readDigitClasses } from '../../../src/experiments/glyph/index.js';

describe('G2: integer simulation vs float64 on the full private split', () => {
  for (const [name, config] of [['quick (d = 16, h = 8)', HYBRID_QUICK], ['default (d = 32, h = 16)', HYBRID_DEFAULT]] as const) {
    it(name, async () => {
      const data = glyphSplit(await readDigitClasses(), true);
      const r = hybridUtility(data, config);
      console.log(`G2 ${name}: integer ${r.integer}, float64 ${r.float}, nearest centroid ${r.nearestCentroid}, steps ${r.steps}, wraps ${JSON.stringify(r.wraps)}, max |W| ${r.maxAbsWeight}`);
      expect(r.steps).toBe(config.epochs * Math.floor(data.private.n / config.batch));
      expect(100 * (r.float - r.integer)).toBeLessThanOrEqual(G2_MAX_GAP_POINTS);
      // Far above chance (10%): the network learned.
      expect(r.integer).toBeGreaterThan(0.6);
      expect(r.maxAbsWeight).toBeLessThan(2 ** (config.plainBits - 1));
    }, 300_000);
  }
});
