// What `reproduce kbfgs --config` and the kbfgs page accept: the schema of KbfgsConfig (protocol.ts).
import { z } from 'zod';
import { integer, list, positive, schemaFor, seed } from '../config-schema.js';
import type { KbfgsConfig } from './protocol.js';

/** (α, λ): learning rate and damping; empty to skip the method. */
const grid = list(z.tuple([positive, positive]), 0);

export const kbfgsConfigSchema = schemaFor<KbfgsConfig>()(
  z.strictObject({
    widths: list(integer(1), 2),
    pool: integer(1),
    trainSize: integer(1),
    batchSize: integer(1),
    epochs: integer(1),
    seeds: list(seed),
    kbfgsGrid: grid,
    kfacGrid: grid,
    adamLrs: list(positive, 0),
    sgdLrs: list(positive, 0),
    authorsAdamLrs: list(positive, 0),
    authorsRmspropLrs: list(positive, 0),
    studies: list(
      z.strictObject({
        kind: z.enum(['kbfgs-l', 'kbfgs-nodd', 'kbfgs-p']),
        lr: positive,
        damping: positive,
        memory: integer(1).optional(),
        variant: z.enum(['P', 'C']).optional(),
        inverseEvery: integer(1).optional(),
      }),
      0,
    ),
  }),
);
