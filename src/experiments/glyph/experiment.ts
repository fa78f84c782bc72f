// The Glyph reproduction as an Experiment, with the MNIST digits supplied by the caller: nothing
// it reaches needs Node (index.ts gives the Node loader; the server's own process,
// server-process.ts, is the T7 test's and never runs from here).
import type { Experiment } from '../experiment.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type GlyphConfig, type GlyphResult } from './config.js';
import type { DigitClasses } from './data.js';
import { report } from './report.js';
import { runGlyph } from './run.js';

export function glyphExperiment(loadDigits: () => Promise<DigitClasses>): Experiment<GlyphConfig, GlyphResult> {
  return {
    name: 'glyph',
    title: 'Training on encrypted data: BGV on the GPU, encrypted last-layer training on MNIST',
    paper: 'Lou, Feng, Fox, Jiang 2020, Glyph: Fast and Accurately Training Deep Neural Networks on Encrypted Data (NeurIPS)',
    quickConfig: QUICK_CONFIG,
    defaultConfig: DEFAULT_CONFIG,
    run: async (config, progress) => runGlyph(await loadDigits(), config, progress),
    report,
  };
}
