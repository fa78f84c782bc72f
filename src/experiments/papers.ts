// The seven paper experiments by name, bound to where their data come from: the CLI passes
// Node's loaders (gradwgsl/node), a browser page its fetched digits. Each experiment's code is
// imported on first use, so a page that runs one experiment loads only that one.
import type { TrainTest } from '../data/batches.js';
import { fail } from '../device/errors.js';
import type { CtldConfig, CtldResult } from './ctld/config.js';
import type { Experiment } from './experiment.js';
import type { Fp8Config, Fp8Result } from './fp8/config.js';
import type { DatasetName } from './gce/data.js';
import type { GceConfig, GceResult } from './gce/config.js';
import type { DataLoader } from './gce/experiment.js';
import type { GlyphConfig, GlyphResult } from './glyph/config.js';
import type { KbfgsConfig, KbfgsResult } from './kbfgs/protocol.js';
import type { NormfreeConfig, NormfreeResult } from './normfree/config.js';
import type { OverparamConfig, OverparamResult } from './overparam/config.js';

/** Where the experiments read their data. */
export interface ExperimentData {
  /**
   * The embedded MNIST split that every paper trains on: `loadMnist` from gradwgsl/node, or in a
   * browser the same digits fetched by the page.
   */
  mnist(): Promise<TrainTest>;
  /**
   * gce's other datasets (and MNIST as IDX files) read from a folder the user names:
   * `loadDatasetFolder` from gradwgsl/node. Leave it out where there are no files to read.
   */
  folder?(dataset: DatasetName, dir: string): Promise<TrainTest>;
}

/** Each paper's config and result types, by the name `gradwgsl reproduce` takes. */
export interface PaperTypes {
  fp8: [Fp8Config, Fp8Result];
  kbfgs: [KbfgsConfig, KbfgsResult];
  glyph: [GlyphConfig, GlyphResult];
  gce: [GceConfig, GceResult];
  ctld: [CtldConfig, CtldResult];
  normfree: [NormfreeConfig, NormfreeResult];
  overparam: [OverparamConfig, OverparamResult];
}

export type PaperName = keyof PaperTypes;
export type PaperExperiment<N extends PaperName> = Experiment<PaperTypes[N][0], PaperTypes[N][1]>;
/** An experiment whose config and result a driver (the CLI, a page) treats as plain data. */
export type AnyExperiment = Experiment<any, any>;

/** The papers in the order the gallery and `gradwgsl reproduce --help` list them. */
export const PAPERS: readonly PaperName[] = ['fp8', 'kbfgs', 'glyph', 'gce', 'ctld', 'normfree', 'overparam'];

/** gce's loader: the embedded MNIST, or a dataset from a folder when `data` can read one. */
export function gceLoader({ mnist, folder }: ExperimentData): DataLoader {
  return (dataset, dir) => {
    if (dataset === 'mnist' && !dir) return mnist();
    const config = `--config '{"dataset":"${dataset}","dataDir":"<folder>"}'`;
    if (!folder) fail(`gce: only the embedded MNIST is available here, not a folder; run dataset '${dataset}' with the CLI: gradwgsl reproduce gce ${config}`);
    if (!dir) fail(`gce: dataset '${dataset}' is read from a folder: pass ${config}`);
    return folder(dataset, dir);
  };
}

const LOADERS: { [N in PaperName]: (data: ExperimentData) => Promise<PaperExperiment<N>> } = {
  fp8: async (data) => (await import('./fp8/experiment.js')).fp8Experiment(data.mnist),
  kbfgs: async (data) => (await import('./kbfgs/experiment.js')).kbfgsExperiment(async () => (await data.mnist()).train),
  glyph: async (data) => {
    const [{ glyphExperiment }, { digitClassesFromSplit }] = await Promise.all([import('./glyph/experiment.js'), import('./glyph/digit-classes.js')]);
    return glyphExperiment(async () => digitClassesFromSplit(await data.mnist()));
  },
  gce: async (data) => (await import('./gce/experiment.js')).gceExperiment(gceLoader(data)),
  ctld: async (data) => (await import('./ctld/experiment.js')).ctldExperiment(data.mnist),
  normfree: async (data) => (await import('./normfree/experiment.js')).normfreeExperiment(data.mnist),
  overparam: async () => (await import('./overparam/index.js')).experiment,
};

/** The paper experiment `name` (one of PAPERS), reading its data from `data`. */
export function paperExperiment<N extends PaperName>(name: N, data: ExperimentData): Promise<PaperExperiment<N>>;
export function paperExperiment(name: string, data: ExperimentData): Promise<AnyExperiment>;
export function paperExperiment(name: string, data: ExperimentData): Promise<AnyExperiment> {
  if (!Object.hasOwn(LOADERS, name)) fail(`unknown experiment '${name}'; available: ${PAPERS.join(', ')}`);
  return LOADERS[name as PaperName](data);
}
