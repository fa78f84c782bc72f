// `gradwgsl reproduce ctld`: the barrier-crossing toy study (SGHMC vs CTLD with and without the
// biasing force, mission/papers/ctld.md §10 A), then SGD-momentum vs Adam vs SGLD vs CTLD from the
// same initialisation on MNIST (Ye et al. 2017, reconstructed: §10 B). Browser-safe: the data
// arrive through the loader passed in (index.ts gives the Node one).
import { subset, type Dataset, type TrainTest } from '../../data/batches.js';
import type { ClaimRow, Experiment, ExperimentReport, ProgressFn } from '../experiment.js';
import { lineChart, textTable } from '../plot.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type CtldConfig, type CtldResult } from './config.js';
import { runToy, TOY_LABELS, TOY_VARIANTS, type ToyResult } from './toy.js';
import { METHOD_LABELS, trainMethod, type MethodRun } from './train.js';
import { accuracyVerdict, crossingVerdict, slowAlphaVerdict, switchVerdict, temperatureVerdict, toyColdVerdict } from './verdicts.js';

export function ctldExperiment(load: () => Promise<TrainTest>): Experiment<CtldConfig, CtldResult> {
  return {
    name: 'ctld',
    title: 'Langevin dynamics with continuous tempering, then SGD fine-tuning',
    paper: 'Ye, Zhu & Mantiuk 2017, Langevin Dynamics with Continuous Tempering for Training Deep Neural Networks (NIPS)',
    quickConfig: QUICK_CONFIG,
    defaultConfig: DEFAULT_CONFIG,
    run: (config, progress) => runCtld(load, config, progress),
    report: reportCtld,
  };
}

function firstOf(ds: Dataset, count: number, what: string): Dataset {
  return count > 0 && count < ds.n ? subset(ds, Array.from({ length: count }, (_, i) => i), what) : ds;
}

async function runCtld(load: () => Promise<TrainTest>, config: CtldConfig, progress?: ProgressFn): Promise<CtldResult> {
  // Progress counts toy thousands of steps and MNIST epochs.
  const toyUnits = config.toy ? Math.floor(config.toy.steps / 1000) : 0;
  const total = toyUnits + config.methods.length * config.seeds.length * config.train.epochs;
  let done = 0;
  const toy = config.toy
    ? await runToy(config.toy, (step, steps) => progress?.({ label: `toy study, step ${step}/${steps}`, done: ++done, total }))
    : null;
  const runs: MethodRun[] = [];
  if (!config.methods.length) return { config, runs, toy };
  const full = await load();
  const data = { train: firstOf(full.train, config.trainSize, 'ctld train'), test: firstOf(full.test, config.testSize, 'ctld test') };
  for (const seed of config.seeds) {
    for (const method of config.methods) {
      runs.push(
        await trainMethod(method, data, config.train, seed, (p) =>
          progress?.({ label: `${METHOD_LABELS[method]}, seed ${seed}, epoch ${p.epoch}/${config.train.epochs}`, done: ++done, total }),
        ),
      );
    }
  }
  return { config, runs, toy };
}

// ---- report --------------------------------------------------------------------------------

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const pct = (v: number) => (100 * v).toFixed(2);

function claims(result: CtldResult): ClaimRow[] {
  return [
    {
      claim: 'Continuous tempering gets a sampler out of a shallow well that SGHMC stays in (two-well toy)',
      paper: 'abstract: overcomes early trapping in poor local minima; our toy study (spec §10 A)',
      ...crossingVerdict(result),
    },
    {
      claim: 'The biasing force keeps α visiting the physical temperature; without it α sticks at the hot end',
      paper: 'temperature dynamics with stochastic approximation (abstract); spec §3–§4, §10 A',
      ...toyColdVerdict(result),
    },
    {
      claim: 'CTLD then SGD fine-tuning ends at equal or better test accuracy than SGD/Adam from the same initialisation',
      paper: 'abstract: “remarkable improvements” on various networks (reviews: stacked denoising autoencoders on MNIST, char-level RNN on Hutter Prize); no numbers recovered',
      ...accuracyVerdict(result),
    },
    {
      claim: 'The temperature dynamics keep α moving between the physical and hot temperatures during phase 1',
      paper: 'abstract: temperature “adjusted automatically according to the designed temperature dynamics”',
      ...temperatureVerdict(result),
    },
    {
      claim: 'What moves the temperature is α’s own dynamics (ablation: η_α / 10)',
      paper: 'our check (spec §10 B iii), not in the paper',
      ...slowAlphaVerdict(result),
    },
    {
      claim: 'Phase 2 starts at the physical temperature (|α| <= δ1) after L_s steps, with a cap',
      paper: 'two phases, sampling then fine-tuning (abstract); switch rule as recalled in our spec',
      ...switchVerdict(result),
    },
  ];
}

/** The toy study's setup and per-seed table (crossing step, second-half cold / hot fractions). */
function toyText(toy: ToyResult | null): string[] {
  if (!toy) return [];
  const c = toy.config;
  const setup =
    `Toy study (spec §10 A): U/N = (t1² − 1)² + 0.3 t1 + ½‖w‖², 100 dimensions, N ${c.dataSize}, start t1 = 1; lr ${c.lr} (η ${c.lr / c.dataSize}), a ${c.friction}, T0 ${c.temperature}; ` +
    `CTLD g_min ${c.gMin}, η_α ${c.alphaEta}, a_α ${c.alphaFriction}, ${c.bins} bins; ${c.chains} seeds × ${c.steps} steps (crossing: t1 < ${c.crossAt}, checked every ${c.readEvery} steps); ${toy.seconds.toFixed(0)} s.`;
  const seeds = Array.from({ length: c.chains }, (_, i) => i);
  const table = textTable(
    ['sampler', ...seeds.map((i) => `seed ${i + 1}`), 'crossed'],
    TOY_VARIANTS.map((v) => {
      const chains = toy.chains.filter((ch) => ch.variant === v);
      const cell = (ch: (typeof chains)[number]) =>
        `${ch.crossingStep ?? 'no'}${ch.coldFraction === null ? '' : ` (${(100 * ch.coldFraction).toFixed(0)}% cold, ${(100 * ch.hotFraction!).toFixed(0)}% hot)`}`;
      return [TOY_LABELS[v], ...chains.map(cell), `${chains.filter((ch) => ch.crossingStep !== null).length} of ${chains.length}`];
    }),
  );
  // The spec sets no bar on the histogram's flatness (its running-mean ABF is not flat in 20k steps): reported only.
  const histograms = TOY_VARIANTS.filter((v) => v !== 'sghmc').map((v) => {
    const counts = toy.chains.filter((ch) => ch.variant === v).reduce((acc, ch) => acc.map((x, i) => x + ch.alphaHistogram[i]!), new Array<number>(20).fill(0));
    const all = counts.reduce((a, x) => a + x, 0);
    return `  ${TOY_LABELS[v]}: ${counts.map((x) => ((100 * x) / all).toFixed(1)).join(' ')}`;
  });
  return [
    setup,
    'Per seed: first step with t1 below the bar (or no), and the second half of α in the cold / hot region:',
    table,
    'α histogram, all seeds and steps, % per bin of width 0.1 from −1 to 1 (end bins include the overshoots):',
    ...histograms,
    '',
  ];
}

/** At most `n` evenly spaced points of a trace. */
function thin(values: readonly number[], n: number): [number, number][] {
  const every = Math.max(1, Math.ceil(values.length / n));
  return values.flatMap((v, i) => (i % every === 0 ? [[i + 1, v] as [number, number]] : []));
}

function reportCtld(result: CtldResult): ExperimentReport {
  const cfg = result.config;
  const t = cfg.train;
  const rows = claims(result);
  const claimTable = textTable(['claim', 'paper', 'ours', 'verdict'], rows.map((r) => [r.claim, r.paper, r.ours, r.verdict]));
  const detail = textTable(
    ['method', ...cfg.seeds.map((s) => `seed ${s}`), 'mean', 'phase 1: g<1 / hottest', 'switch'],
    cfg.methods.map((m) => {
      const runs = result.runs.filter((r) => r.method === m);
      const p1 = runs.map((r) => r.phase1).filter((p) => p && p.alphaTrace.length);
      return [
        METHOD_LABELS[m],
        ...runs.map((r) => pct(r.finalTest)),
        pct(mean(runs.map((r) => r.finalTest))),
        p1.length ? `${pct(mean(p1.map((p) => p!.notColdFraction)))}% / ${pct(mean(p1.map((p) => p!.hotFraction)))}%` : '—',
        p1.length ? p1.map((p) => `+${p!.extraSteps}${p!.capTriggered ? ' cap' : ''}`).join(', ') : '—',
      ];
    }),
  );
  const setup =
    `MNIST ${cfg.trainSize || 'all'} train / ${cfg.testSize || 'all'} test; MLP ${t.hidden.join('-')}, batch ${t.batchSize}, wd ${t.weightDecay}, ${t.epochs} epochs; ` +
    `SGD-m lr ${t.lr} (/10 after ${t.lrDecayEpochs.join(', ')}), Adam lr ${t.adamLr}; phase 1 ${t.phase1Epochs} epochs ` +
    `(CTLD lr ${t.ctldLr}, a ${t.friction}, T0 ${t.temperature}, g_min ${t.gMin}, η_α ${t.alphaEta}, a_α ${t.alphaFriction}, ${t.bins} bins; SGLD lr ${t.sgldLr}), ` +
    `switch cap ${t.switchCapSteps} steps; seeds ${cfg.seeds.join(', ')}.`;
  const mnist = cfg.methods.length ? [setup, 'Final clean test accuracy (%) per seed:', detail] : [];
  const text = [claimTable, '', ...toyText(result.toy), ...mnist].join('\n');
  const firstSeed = cfg.seeds[0];
  const curves = cfg.methods.flatMap((m) => {
    const run = result.runs.find((r) => r.method === m && r.seed === firstSeed);
    return run ? [{ name: METHOD_LABELS[m], points: run.epochs.map((e) => [e.epoch, 100 * e.testAccuracy] as const) }] : [];
  });
  const traces = result.runs
    .filter((r) => r.seed === firstSeed && r.phase1 && r.phase1.alphaTrace.length)
    .map((r) => ({ name: METHOD_LABELS[r.method], points: thin(r.phase1!.alphaTrace, 1500) }));
  const plots: Record<string, string> = {};
  if (curves.length) {
    plots['test-accuracy.svg'] = lineChart(curves, { title: `Clean test accuracy (seed ${firstSeed})`, xLabel: 'epoch', yLabel: 'test accuracy (%)' });
  }
  if (traces.length) {
    plots['alpha-trace.svg'] = lineChart(traces, { title: `Tempering variable α in phase 1 (seed ${firstSeed}; cold: |α| <= 0.2)`, xLabel: 'step', yLabel: 'α' });
  }
  return { text, claims: rows, plots };
}
