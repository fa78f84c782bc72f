// The paper experiments the browser offers, in gallery order: the one list the experiment pages,
// the gallery cards and the build's generated pages come from. Each entry loads the same
// src/experiments code as `gradwgsl reproduce`, bound to the page's digits instead of the npm
// package's files; the imports are dynamic so a page fetches only its own experiment's code.
import type { TrainTest } from '../../data/batches.js';
import { fail } from '../../device/errors.js';
import type { Experiment } from '../../experiments/experiment.js';
import { loadDigits } from '../common/digits.js';

/** Each experiment has its own config and result types; the page treats them as data. */
export type AnyExperiment = Experiment<any, any>;

export interface ExperimentEntry {
  name: string;
  /** One line for the gallery card, under the experiment's title. */
  blurb: string;
  load(): Promise<AnyExperiment>;
}

/** gce's loader: a page can read only the embedded MNIST, not a folder of Fashion-MNIST or CIFAR-10. */
function browserGceData(dataset: string, dir?: string): Promise<TrainTest> {
  if (dataset !== 'mnist' || dir) {
    fail(`gce: the browser has only the embedded MNIST; run dataset '${dataset}' with the CLI: gradwgsl reproduce gce --config '{"dataset":"${dataset}","dataDir":"<folder>"}'`);
  }
  return loadDigits();
}

export const EXPERIMENTS: readonly ExperimentEntry[] = [
  {
    name: 'fp8',
    blurb: 'Training in 8-bit floats: accumulation error of chunked FP16 sums, stochastic rounding against swamping, and MNIST runs beside FP32.',
    load: async () => (await import('../../experiments/fp8/experiment.js')).fp8Experiment(loadDigits),
  },
  {
    name: 'kbfgs',
    blurb: 'Kronecker-factored quasi-Newton (K-BFGS, K-BFGS(L)) against K-FAC, Adam and SGD with momentum, training an MNIST autoencoder.',
    load: async () => (await import('../../experiments/kbfgs/experiment.js')).kbfgsExperiment(async () => (await loadDigits()).train),
  },
  {
    name: 'glyph',
    blurb: 'BGV homomorphic encryption on the GPU, and a last layer trained on encrypted MNIST features with exact encrypted sums.',
    load: async () => {
      const [{ glyphExperiment }, { digitClassesFromSplit }] = await Promise.all([
        import('../../experiments/glyph/experiment.js'),
        import('../../experiments/glyph/digit-classes.js'),
      ]);
      return glyphExperiment(async () => digitClassesFromSplit(await loadDigits()));
    },
  },
  {
    name: 'gce',
    blurb: 'Generalized cross entropy (L_q) and truncated L_q against cross entropy and MAE when MNIST labels are noisy.',
    load: async () => (await import('../../experiments/gce/experiment.js')).gceExperiment(browserGceData),
  },
  {
    name: 'ctld',
    blurb: 'Langevin dynamics with a continuously tempered temperature, then SGD fine-tuning, against SGD-m, Adam and SGLD on MNIST.',
    load: async () => (await import('../../experiments/ctld/experiment.js')).ctldExperiment(loadDigits),
  },
  {
    name: 'normfree',
    blurb: 'Deep residual MLPs on MNIST trained without batch norm: residual rescaling and centering biases, with ablations.',
    load: async () => (await import('../../experiments/normfree/experiment.js')).normfreeExperiment(loadDigits),
  },
  {
    name: 'overparam',
    blurb: 'Full-batch gradient descent on deep ReLU nets: how the iterations to fit the data grow with width, sample count and separation.',
    load: async () => (await import('../../experiments/overparam/index.js')).experiment,
  },
];

export function experimentEntry(name: string): ExperimentEntry {
  return EXPERIMENTS.find((e) => e.name === name) ?? fail(`no experiment page '${name}'; there are: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
}
