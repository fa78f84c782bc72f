// The paper experiments the browser offers, in gallery order: the one list the experiment pages,
// the gallery cards and the build's generated pages come from. Each entry loads the same
// gradwgsl/experiments code as `gradwgsl reproduce`, bound to the page's digits instead of the
// npm package's files; the experiments are loaded on demand, so a page fetches only its own.
import { fail } from 'gradwgsl';
import { PAPERS, paperExperiment, type AnyExperiment, type ExperimentData, type PaperName } from 'gradwgsl/experiments';
import { loadDigits } from '../common/digits.js';

export interface ExperimentEntry {
  name: PaperName;
  /** One line for the gallery card, under the experiment's title. */
  blurb: string;
  load(): Promise<AnyExperiment>;
}

/** A page has the embedded MNIST only: no folders, so gce's other datasets are refused with what to run instead. */
const PAGE_DATA: ExperimentData = { mnist: loadDigits };

const BLURBS: Record<PaperName, string> = {
  fp8: 'Training in 8-bit floats: accumulation error of chunked FP16 sums, stochastic rounding against swamping, and MNIST runs beside FP32.',
  kbfgs: 'Kronecker-factored quasi-Newton (K-BFGS, K-BFGS(L)) against K-FAC, Adam and SGD with momentum, training an MNIST autoencoder.',
  glyph: 'BGV homomorphic encryption on the GPU, and a last layer trained on encrypted MNIST features with exact encrypted sums.',
  gce: 'Generalized cross entropy (L_q) and truncated L_q against cross entropy and MAE when MNIST labels are noisy.',
  ctld: 'Langevin dynamics with a continuously tempered temperature, then SGD fine-tuning, against SGD-m, Adam and SGLD on MNIST.',
  normfree: 'Deep residual MLPs on MNIST trained without batch norm: residual rescaling and centering biases, with ablations.',
  overparam: 'Full-batch gradient descent on deep ReLU nets: how the iterations to fit the data grow with width, sample count and separation.',
};

export const EXPERIMENTS: readonly ExperimentEntry[] = PAPERS.map((name) => ({
  name,
  blurb: BLURBS[name],
  load: () => paperExperiment(name, PAGE_DATA),
}));

export function experimentEntry(name: string): ExperimentEntry {
  return EXPERIMENTS.find((e) => e.name === name) ?? fail(`no experiment page '${name}'; there are: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
}
