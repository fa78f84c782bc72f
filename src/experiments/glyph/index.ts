// `gradwgsl reproduce glyph`: Lou et al. 2020, "Glyph: Fast and Accurately Training Deep Neural
// Networks on Encrypted Data", part 1 — BGV on the GPU and an encrypted last-layer training
// demo on MNIST (spec: shared/mission/papers/glyph-fhe.md §9).
import type { Experiment } from '../experiment.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type GlyphConfig, type GlyphResult } from './config.js';
import { report } from './report.js';
import { run } from './run.js';

export { DEFAULT_CONFIG, QUICK_CONFIG, report, run };
export type { GlyphConfig, GlyphResult, PhaseTimes } from './config.js';
export { readResults, serverStep, trainOnEncrypted, type ServerModel, type ServerSchedule } from './server.js';
export type { ServerJob } from './server-process.js';

export const glyphExperiment: Experiment<GlyphConfig, GlyphResult> = {
  name: 'glyph',
  title: 'Training on encrypted data: BGV on the GPU, encrypted last-layer training on MNIST',
  paper: 'Lou, Feng, Fox, Jiang 2020, Glyph: Fast and Accurately Training Deep Neural Networks on Encrypted Data (NeurIPS)',
  quickConfig: QUICK_CONFIG,
  defaultConfig: DEFAULT_CONFIG,
  run,
  report,
};
