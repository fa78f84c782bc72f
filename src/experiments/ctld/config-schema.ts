// What `reproduce ctld --config` and the ctld page accept: the schema of CtldConfig (experiment.ts, train.ts).
import { z } from 'zod';
import { belowOne, fraction, integer, list, nonNegative, positive, schemaFor, seed } from '../config-schema.js';
import type { CtldConfig } from './config.js';

export const ctldConfigSchema = schemaFor<CtldConfig>()(
  z.strictObject({
    trainSize: integer(0),
    testSize: integer(0),
    methods: list(z.enum(['sgdm', 'adam', 'sgld', 'ctld', 'ctld-slow-alpha']), 0),
    seeds: list(seed),
    train: z.strictObject({
      hidden: list(integer(1), 0).readonly(),
      epochs: integer(1),
      batchSize: integer(1),
      weightDecay: nonNegative,
      lr: positive,
      momentum: belowOne,
      lrDecayEpochs: list(integer(1), 0).readonly(),
      adamLr: positive,
      phase1Epochs: integer(0),
      switchCapSteps: integer(0),
      sgldLr: positive,
      ctldLr: positive,
      friction: nonNegative,
      temperature: nonNegative,
      gMin: fraction,
      alphaEta: positive,
      slowAlphaEta: positive,
      alphaFriction: nonNegative,
      alphaWall: nonNegative,
      bins: integer(1),
    }),
    toy: z
      .strictObject({
        chains: integer(1),
        steps: integer(1),
        seed,
        dataSize: integer(1),
        lr: positive,
        friction: z.number().gt(0).max(1),
        temperature: nonNegative,
        gMin: z.number().gt(0).max(1),
        alphaEta: nonNegative,
        alphaFriction: z.number().gt(0).max(1),
        bins: integer(1),
        crossAt: z.number(),
        readEvery: integer(1),
      })
      .nullable(),
  }),
);
