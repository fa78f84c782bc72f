// What `reproduce overparam --config` and the overparam page accept: the schema of OverparamConfig (config.ts).
import { z } from 'zod';
import { integer, list, positive, schemaFor, seed } from '../config-schema.js';
import type { OverparamConfig } from './config.js';

const budget = { seeds: list(seed), tmax: integer(1), relStop: z.number().gt(0).max(1) };

export const overparamConfigSchema = schemaFor<OverparamConfig>()(
  z.strictObject({
    inputs: integer(1),
    layers: integer(1),
    lrScale: positive,
    dataSeed: seed,
    e1: z.strictObject({ ...budget, n: integer(1), widths: list(integer(1)) }),
    e2: z.strictObject({ ...budget, width: integer(1), ns: list(integer(1)) }),
    // phi is a chord distance on the unit sphere: at most 2.
    e3: z.strictObject({ ...budget, width: integer(1), pairs: integer(1), phis: list(z.number().gt(0).max(2)) }),
    chunk: integer(1),
  }),
);
