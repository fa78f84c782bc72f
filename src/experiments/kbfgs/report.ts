// The reproduction's report: the paper's claims beside our measurements (spec §9, §11 pass
// criteria), the grids, the double-damping ablation, and loss-vs-epoch / loss-vs-time plots.
import type { ClaimRow, ExperimentReport } from '../experiment.js';
import { lineChart, textTable, unjudgedBlocks, type Series } from '../plot.js';
import { METHOD_NAMES, settingLabel, type MethodKind } from './methods.js';
import { runsOf, settingsOf, type KbfgsResult } from './protocol.js';
import { finalLoss } from './train.js';
import { againstKbfgs, bestRuns, doubleDampingVerdict, pairsText, firstOrderVerdict, fmtLoss, kfacVerdict, lossesBySeed } from './verdicts.js';

/** The authors' MNIST demo (spec §9: Demo.ipynb, batch 1000, full MNIST), training loss by epoch. */
const AUTHORS_DEMO = {
  epochs: [1, 2, 5, 10],
  kbfgs: [169.0, 109.6, 68.0, 59.8],
  kfac: [183.2, 135.1, 74.0, 61.6],
};

/** Worst final loss over the seeds of the best setting (Infinity if any seed diverged). */
function worstOverSeeds(result: KbfgsResult, kind: MethodKind): number {
  const runs = bestRuns(result, kind);
  return runs.length ? Math.max(...runs.map(finalLoss)) : Infinity;
}

function claims(result: KbfgsResult): ClaimRow[] {
  return [
    {
      claim: 'K-BFGS beats the first-order methods',
      paper: 'abstract: K-BFGS and K-BFGS(L) outperformed or matched K-FAC and beat Adam and RMSprop on the MNIST, FACES and CURVES autoencoders',
      ...firstOrderVerdict(result),
    },
    {
      claim: 'K-FAC (the baseline) is well ahead of Adam',
      paper: "figures (recalled, spec §9): K-FAC and both K-BFGS variants clearly below Adam/RMSprop; authors' MNIST demo K-FAC epoch 10: 61.6",
      ...kfacVerdict(result),
    },
    {
      claim: 'Double damping is what makes K-BFGS work',
      paper: 'abstract: double damping keeps the eigenvalues of the BFGS/L-BFGS matrices bounded despite a noisy, indefinite Hessian',
      ...doubleDampingVerdict(result),
    },
  ];
}

/** The paper's claims the spec reports without a bar at this size. */
function unjudged(result: KbfgsResult): Omit<ClaimRow, 'verdict'>[] {
  const ratio = worstOverSeeds(result, 'kbfgs') / worstOverSeeds(result, 'kfac');
  const secs = (k: MethodKind) => {
    const v = bestRuns(result, k).find((r) => Number.isFinite(r.secondsPerIteration))?.secondsPerIteration;
    return v === undefined ? 'n/a' : v.toFixed(3);
  };
  return [
    {
      claim: 'K-BFGS is comparable to K-FAC per epoch',
      paper: `authors' MNIST demo, epochs ${AUTHORS_DEMO.epochs.join('/')}: K-BFGS ${AUTHORS_DEMO.kbfgs.join('/')} vs K-FAC ${AUTHORS_DEMO.kfac.join('/')}`,
      ours: `K-BFGS ${lossesBySeed(result, 'kbfgs')} vs K-FAC ${lossesBySeed(result, 'kfac')} (worst seeds: ratio ${Number.isFinite(ratio) && ratio > 0 ? ratio.toFixed(2) : 'n/a'}). Spec §11 calibration: on this small problem K-BFGS was well behind K-FAC (123.5 vs 75.6)`,
    },
    {
      claim: 'K-BFGS(L) is competitive, and cheaper per iteration',
      paper: 'recalled (spec §9): per unit time K-BFGS(L) is competitive since it avoids G-side inverses; demo: ~1.6× more epochs/s for K-BFGS than K-FAC',
      ours: `K-BFGS(L) ${lossesBySeed(result, 'kbfgs-l')}; s/iteration: K-BFGS ${secs('kbfgs')}, K-BFGS(L) ${secs('kbfgs-l')}, K-FAC ${secs('kfac')}, Adam ${secs('adam')}, SGD-m ${secs('sgdm')}`,
    },
    {
      claim: "H^a by the Hessian-action BFGS update (variant C, the authors' final code) vs an explicit inverse every 20 iterations (variant P)",
      paper: 'spec §3: the NeurIPS text (recalled) inverts A every T = 20; the final public code updates H^a once per iteration instead',
      ours: `final loss, variant P vs variant C: ${pairsText(againstKbfgs(result, 'kbfgs-p'))}`,
    },
  ];
}

/** Where a grid method's best setting sits: inside its grid, or on which edge (then the grid should grow). */
function placement(result: KbfgsResult, kind: MethodKind): string {
  const best = result.best[kind];
  if (!best) return '';
  const settings = settingsOf(result.config).filter((s) => s.kind === kind);
  const edge = (name: string, values: number[], v: number) => {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    if (lo === hi) return [`only ${name}`];
    return v === lo ? [`lowest ${name}`] : v === hi ? [`highest ${name}`] : [];
  };
  const edges = [...edge('rate', settings.map((s) => s.lr), best.lr), ...(best.damping === undefined ? [] : edge('λ', settings.map((s) => s.damping!), best.damping))];
  return edges.length ? `edge: ${edges.join(', ')}` : 'interior';
}

const GRID_KINDS: readonly MethodKind[] = ['kbfgs', 'kfac', 'adam', 'sgdm', 'adam-authors', 'rmsprop-authors'];

/** Every study setting's final loss per seed. */
function studiesTable(result: KbfgsResult): string {
  const seeds = result.config.seeds;
  return textTable(
    ['study', ...seeds.map((s) => `loss, seed ${s}`), 'failure (first seed that stopped)'],
    result.config.studies.map((s) => {
      const runs = runsOf(result.runs, s);
      const cell = (seed: number) => {
        const r = runs.find((x) => x.seed === seed);
        return r ? fmtLoss(finalLoss(r)) : '';
      };
      return [settingLabel(s), ...seeds.map(cell), runs.find((r) => r.failure)?.failure ?? ''];
    }),
  );
}

function gridTable(result: KbfgsResult, kind: MethodKind, seed: number): string {
  const runs = result.runs.filter((r) => r.setting.kind === kind && r.seed === seed);
  const lrs = [...new Set(runs.map((r) => r.setting.lr))].sort((a, b) => a - b);
  const lambdas = [...new Set(runs.map((r) => r.setting.damping!))].sort((a, b) => a - b);
  const cell = (lr: number, d: number) => {
    const r = runs.find((x) => x.setting.lr === lr && x.setting.damping === d);
    return r ? fmtLoss(finalLoss(r)) : '';
  };
  return textTable(['α \\ λ', ...lambdas.map(String)], lrs.map((lr) => [String(lr), ...lambdas.map((d) => cell(lr, d))]));
}

function plots(result: KbfgsResult): Record<string, string> {
  const seed = result.config.seeds[0]!;
  const series = (x: 'epoch' | 'seconds'): Series[] =>
    (Object.keys(result.best) as MethodKind[]).flatMap((kind) => {
      const r = bestRuns(result, kind).find((run) => run.seed === seed);
      return r ? [{ name: METHOD_NAMES[kind], points: r.curve.filter((p) => p.epoch > 0).map((p) => [p[x], p.loss] as const) }] : [];
    });
  return {
    'loss-vs-epoch.svg': lineChart(series('epoch'), { title: `Training loss, best settings (seed ${seed})`, xLabel: 'epoch', yLabel: 'training loss (BCE + L2)', logY: true }),
    'loss-vs-time.svg': lineChart(series('seconds'), { title: `Training loss vs wall time (seed ${seed})`, xLabel: 'seconds (training, warm start included)', yLabel: 'training loss', logY: true }),
  };
}

export function kbfgsReport(result: KbfgsResult): ExperimentReport {
  const rows = claims(result);
  const seed = result.config.seeds[0]!;
  const c = result.config;
  const summary = textTable(
    ['method (best setting)', ...result.config.seeds.map((s) => `loss, seed ${s}`), 'in its grid', 's/iter', 'epoch losses (seed ' + seed + ')'],
    (Object.keys(result.best) as MethodKind[]).map((kind) => {
      const runs = bestRuns(result, kind);
      const setting = result.best[kind];
      return [
        setting ? settingLabel(setting) : `${METHOD_NAMES[kind]}: all diverged`,
        ...c.seeds.map((s) => {
          const r = runs.find((x) => x.seed === s);
          return r ? fmtLoss(finalLoss(r)) : '';
        }),
        GRID_KINDS.includes(kind) ? placement(result, kind) : 'study',
        runs.find((r) => Number.isFinite(r.secondsPerIteration))?.secondsPerIteration.toFixed(3) ?? '',
        runs.find((r) => r.seed === seed)?.curve.slice(1).map((p) => fmtLoss(p.loss)).join(' ') ?? '',
      ];
    }),
  );
  const claimTable = textTable(['claim', 'paper', 'ours', 'verdict'], rows.map((r) => [r.claim, r.paper, r.ours, r.verdict]));
  const ddRuns = result.runs.filter((r) => r.setting.kind.startsWith('kbfgs'));
  const dd = ddRuns.map((r) => `${r.label} seed ${r.seed}: ${JSON.stringify(r.diagnostics)}`).join('\n');
  const text = [
    `MNIST autoencoder ${c.widths.join('-')}${c.pool > 1 ? ` (digits average-pooled ${c.pool}×${c.pool})` : ''}, ${c.trainSize} training digits, batch ${c.batchSize}, ${c.epochs} epochs, seeds ${c.seeds.join(', ')}`,
    '',
    claimTable,
    '',
    unjudgedBlocks(unjudged(result)),
    '',
    summary,
    '',
    ...c.seeds.flatMap((s) => [`K-BFGS grid (final loss, seed ${s}):`, gridTable(result, 'kbfgs', s), '', `K-FAC grid (final loss, seed ${s}):`, gridTable(result, 'kfac', s), '']),
    'Studies (final loss per seed):',
    studiesTable(result),
    '',
    'K-BFGS curvature counters (H^g updates accepted/skipped, fraction of pairs where DD step 1 / step 2 acted):',
    dd,
  ].join('\n');
  return { text, claims: rows, plots: plots(result) };
}
