// What `reproduce glyph --config` and the glyph page accept: the schema of GlyphConfig (config.ts).
// The BGV parameters' arithmetic and security bounds are checked by validateParameters at run time.
import { z } from 'zod';
import { integer, schemaFor } from '../config-schema.js';
import type { GlyphConfig } from './config.js';

export const glyphConfigSchema = schemaFor<GlyphConfig>()(
  z.strictObject({
    pool: z.boolean(),
    features: integer(1),
    privateSamples: integer(1).nullable(),
    params: z.strictObject({
      n: integer(2),
      ciphertextPrimes: z.array(integer(2)).min(1).readonly(),
      specialPrime: integer(2),
      plainModulus: integer(2),
      security: z.literal([128, 192, 256, 'none']),
    }),
    multiplyLevel: integer(1),
    sumLevel: integer(1),
    batch: integer(1),
  }),
);
