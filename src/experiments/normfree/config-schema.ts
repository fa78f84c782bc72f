// What `reproduce normfree --config` and the normfree page accept: the schema of NormfreeConfig (config.ts).
import { z } from 'zod';
import { integer, list, positive, schemaFor, seed } from '../config-schema.js';
import type { NormfreeConfig } from './config.js';

export const normfreeConfigSchema = schemaFor<NormfreeConfig>()(
  z.strictObject({
    depths: list(integer(1)),
    width: integer(1),
    variants: list(z.enum(['plain', 'bn', 'rescale', 'rescale-noalpha', 'rescale-nocenter'])),
    lr: positive,
    bnLrs: list(positive),
    epochs: integer(1),
    batchSize: integer(1),
    seeds: list(seed),
    probeBatch: integer(1),
  }),
);
