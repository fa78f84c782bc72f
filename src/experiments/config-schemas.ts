// Every experiment's config schema by name, for `reproduce --config` and the browser pages'
// editor. Schemas only: importing this pulls in no experiment code.
import { fail } from '../device/errors.js';
import type { ConfigSchema } from './config-schema.js';
import { ctldConfigSchema } from './ctld/config-schema.js';
import { fp8ConfigSchema } from './fp8/config-schema.js';
import { gceConfigSchema } from './gce/config-schema.js';
import { glyphConfigSchema } from './glyph/config-schema.js';
import { kbfgsConfigSchema } from './kbfgs/config-schema.js';
import { normfreeConfigSchema } from './normfree/config-schema.js';
import { overparamConfigSchema } from './overparam/config-schema.js';
import type { PaperName, PaperTypes } from './papers.js';

export const CONFIG_SCHEMAS: { readonly [N in PaperName]: ConfigSchema<PaperTypes[N][0]> } = {
  ctld: ctldConfigSchema,
  fp8: fp8ConfigSchema,
  gce: gceConfigSchema,
  glyph: glyphConfigSchema,
  kbfgs: kbfgsConfigSchema,
  normfree: normfreeConfigSchema,
  overparam: overparamConfigSchema,
};

/** The schema of experiment `experiment`'s config (one of PAPERS). */
export function configSchemaOf(experiment: string): ConfigSchema<unknown> {
  return Object.hasOwn(CONFIG_SCHEMAS, experiment) ? CONFIG_SCHEMAS[experiment as PaperName] : fail(`no config schema for experiment '${experiment}'; add one to src/experiments/config-schemas.ts`);
}
