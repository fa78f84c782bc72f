// What `reproduce fp8 --config` and the fp8 page accept: the schema of Fp8Config (config.ts).
import { z } from 'zod';
import { integer, list, positive, schemaFor, seed } from '../config-schema.js';
import type { Fp8Config } from './config.js';

const budget = z.strictObject({ lr: positive, epochs: integer(1) });

export const fp8ConfigSchema = schemaFor<Fp8Config>()(
  z.strictObject({
    accumulation: z.strictObject({ sizes: list(integer(1)), seeds: list(seed) }),
    swamping: z.strictObject({ elements: integer(1), steps: integer(1), seed }),
    mnist: z.strictObject({
      // Empty: no FP32 / paper / RNE-update runs, only the ablations (block-vs-chunked.json).
      seeds: list(seed, 0),
      trainExamples: integer(1).nullable(),
      testExamples: integer(1).nullable(),
      batchSize: integer(1),
      hidden: list(integer(1), 0),
      high: budget,
      low: budget,
      ablations: list(z.enum(['fp32', 'paper', 'rne-update', 'no-chunking', 'all-fp8', 'binary16', 'block-fp8']), 0),
      ablationSeeds: list(seed, 0),
      noChunkingBatch: integer(1),
    }),
  }),
);
