// What `reproduce gce --config` and the gce page accept: the schema of GceConfig (experiment.ts, train.ts, data.ts).
import { z } from 'zod';
import { belowOne, fraction, integer, list, nonNegative, positive, schemaFor, seed } from '../config-schema.js';
import type { GceConfig } from './config.js';

export const gceConfigSchema = schemaFor<GceConfig>()(
  z.strictObject({
    dataset: z.enum(['mnist', 'fashion-mnist', 'cifar10']),
    dataDir: z.string().min(1).optional(),
    sizes: z.strictObject({ train: integer(1), val: integer(1), test: integer(0) }),
    noises: list(z.strictObject({ kind: z.enum(['none', 'uniform', 'pair']), rate: fraction })),
    losses: list(z.enum(['cce', 'mae', 'lq', 'trunc'])),
    seeds: list(seed),
    train: z.strictObject({
      model: z.enum(['mlp', 'cnn']),
      hidden: list(integer(1), 0).readonly(),
      channels: list(integer(1)).readonly(),
      epochs: integer(1),
      batchSize: integer(1),
      lr: positive,
      momentum: belowOne,
      weightDecay: nonNegative,
      lrDecayEpochs: list(integer(1), 0).readonly(),
      q: z.number().gt(0).max(1),
      k: fraction,
      pruneStart: integer(1),
      pruneEvery: integer(1),
    }),
  }),
);
