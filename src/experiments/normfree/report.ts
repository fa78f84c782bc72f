// The report: criteria N1–N4 beside the paper's claims and the spec's numpy prototype, tables
// of accuracy, init signal and learned multipliers, and plots.
import type { ClaimRow, ExperimentReport } from '../experiment.js';
import { claimBlocks, lineChart, textTable, unjudgedBlocks, type Series } from '../plot.js';
import { verdictOf } from '../verdict.js';
import type { NormfreeConfig, NormfreeResult } from './config.js';
import { judge, meanAccuracy, type Verdict } from './criteria.js';
import { VARIANT_LABELS, type Variant } from './model.js';
import type { NormfreeRunResult } from './train.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'non-finite');
const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

/** What the paper (and the spec's calibration run) say, per criterion. */
const PAPER: Record<Verdict['id'], { claim: string; paper: string }> = {
  N1: {
    claim: 'N1. Un-normalized residual signals explode with depth; the rescaling keeps them flat',
    paper: 'Var[x_k] ≈ 2·Var[x_(k−1)] for plain blocks; alpha_k² + beta_k² = 1 preserves it (paper §variance, rule verified from the authors\' code). Spec prototype: PLAIN last block 7.8e6 at K=20, 2.5e18 at K=50, inf at K=100; RESCALE ~0.064 → ~0.052',
  },
  N2: {
    claim: 'N2. Deep nets train without normalization',
    paper: 'RescaleNet trains ResNet-50/101/152 and ResNeXt without BN (abstract). Spec prototype, 5 epochs: RESCALE 93.4 / 93.4 / 93.0% at K = 20 / 50 / 100 (2 epochs: 89.2 / 89.3 / 90.3%)',
  },
  N3: {
    claim: 'N3. ...as well as with BatchNorm',
    paper: 'ImageNet ResNet-50: about 0.3 points lower error than the BN baseline (direction verified, exact numbers not retrieved). Spec prototype, 5 epochs: best BN 91.1 / 90.0 / 85.5% at K = 20 / 50 / 100',
  },
  N4: {
    claim: 'N4. The rescaling is what matters: plain and alpha = 1 nets fail',
    paper: 'our reading of the paper\'s variance analysis. Spec prototype: PLAIN non-finite within the first epoch at K = 20, 50, 100 (also at lr 0.002); RESCALE-noalpha non-finite at K = 50',
  },
};

function claims(verdicts: readonly Verdict[]): ClaimRow[] {
  return verdicts.map((v) => ({ ...PAPER[v.id], ours: v.detail, verdict: verdictOf(v.pass) }));
}

/** What the spec asks to report with no threshold. */
function unjudged(result: NormfreeResult, c: NormfreeConfig): Omit<ClaimRow, 'verdict'>[] {
  const cmp = c.depths.map((d) => `K=${d}: ${pct(meanAccuracy(result.runs, 'rescale-nocenter', d))} vs ${pct(meanAccuracy(result.runs, 'rescale', d))}`);
  const m = c.depths.map((d) => {
    const ms = result.runs.filter((r) => r.variant === 'rescale' && r.depth === d).flatMap((r) => r.multipliers);
    return ms.length ? `K=${d}: mean ${(ms.reduce((s, x) => s + x, 0) / ms.length).toFixed(3)}, range ${Math.min(...ms).toFixed(3)}–${Math.max(...ms).toFixed(3)}` : `K=${d}: not run`;
  });
  return [
    {
      claim: 'Centering biases vs ordinary biases (RESCALE-nocenter vs RESCALE)',
      paper: 'the data-initialized centering bias is credited with removing most dead ReLUs (summaries; ablation table not retrieved). Spec prototype: nocenter 93.1% vs 93.4% at K=50',
      ours: cmp.join('; '),
    },
    {
      claim: 'Learned branch multipliers m_k (start at 1)',
      paper: 'm_k is learned so blocks can take different contributions during training (paper; no numbers)',
      ours: m.join('; '),
    },
  ];
}

function accuracyCell(runs: readonly NormfreeRunResult[]): string {
  if (!runs.length) return '—';
  const diverged = runs.filter((r) => r.diverged);
  if (diverged.length) return `non-finite (${diverged.map((r) => `e${r.diverged!.epoch} s${r.diverged!.step}`).join(', ')})`;
  const accs = runs.map((r) => r.testAccuracy);
  const m = accs.reduce((s, x) => s + x, 0) / accs.length;
  return accs.length > 1 ? `${pct(m)} (${pct(Math.min(...accs))}–${pct(Math.max(...accs))})` : pct(m);
}

function accuracyTable(result: NormfreeResult, c: NormfreeConfig): string {
  const rows: string[][] = [];
  for (const variant of c.variants) {
    for (const lr of variant === 'bn' ? c.bnLrs : [c.lr]) {
      rows.push([
        `${VARIANT_LABELS[variant]}${variant === 'bn' ? ` lr ${lr}` : ''}`,
        ...c.depths.map((d) => accuracyCell(result.runs.filter((r) => r.variant === variant && r.depth === d && r.lr === lr))),
      ]);
    }
  }
  return textTable(['variant', ...c.depths.map((d) => `K=${d}`)], rows);
}

function signalTable(result: NormfreeResult): string {
  return textTable(
    ['variant', 'K', 'stem', 'block 1', 'block K/2', 'block K'],
    result.signal.map((s) => [VARIANT_LABELS[s.variant], String(s.depth), sci(s.stem), sci(s.blocks[0]!), sci(s.blocks[Math.floor(s.depth / 2) - 1]!), sci(s.blocks.at(-1)!)]),
  );
}

function plots(result: NormfreeResult, c: NormfreeConfig): Record<string, string> {
  const deepest = Math.max(...c.depths);
  const signal: Series[] = [
    ...result.signal.filter((s) => s.depth === deepest).map((s) => ({ name: `${VARIANT_LABELS[s.variant]} K=${s.depth}`, points: s.blocks.map((v, k) => [k + 1, v] as const) })),
    ...result.signal.filter((s) => s.variant === 'rescale' && s.depth !== deepest).map((s) => ({ name: `RESCALE K=${s.depth}`, points: s.blocks.map((v, k) => [k + 1, v] as const) })),
  ];
  const seed = c.seeds[0];
  const multipliers: Series[] = result.runs
    .filter((r) => r.variant === 'rescale' && r.seed === seed)
    .map((r) => ({ name: `K=${r.depth}`, points: r.multipliers.map((m, k) => [k + 1, m] as const) }));
  const accuracy: Series[] = result.runs
    .filter((r) => r.depth === deepest && r.seed === seed)
    .map((r) => ({ name: `${VARIANT_LABELS[r.variant as Variant]}${r.variant === 'bn' ? ` lr ${r.lr}` : ''}`, points: r.epochRecords.map((e) => [e.epoch, 100 * e.testAccuracy] as const) }));
  return {
    'signal-propagation.svg': lineChart(signal, { title: 'Mean squared activation after each block at init', xLabel: 'block k', yLabel: 'mean(x_k²)', logY: true }),
    'multipliers.svg': lineChart(multipliers, { title: `Learned m_k after training (RESCALE, seed ${seed})`, xLabel: 'block k', yLabel: 'm_k' }),
    'test-accuracy.svg': lineChart(accuracy, { title: `Test accuracy per epoch, K=${deepest} (diverged runs absent)`, xLabel: 'epoch', yLabel: 'test accuracy (%)' }),
  };
}

export function report(result: NormfreeResult): ExperimentReport {
  const c = result.config;
  const rows = claims(judge(result));
  const text = [
    claimBlocks(rows),
    '',
    unjudgedBlocks(unjudged(result, c)),
    '',
    `Test accuracy after ${c.epochs} epochs (mean over seeds ${c.seeds.join(', ')}; range in brackets), width ${c.width}, batch ${c.batchSize}:`,
    accuracyTable(result, c),
    '',
    `Mean squared activation at init on ${c.probeBatch} training digits:`,
    signalTable(result),
    '',
    `${result.runs.length} runs in ${result.seconds.toFixed(0)} s.`,
  ].join('\n');
  return { text, claims: rows, plots: plots(result, c) };
}
