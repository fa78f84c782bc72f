// The MNIST live-training page: controls, charts, adapter info and the kernel table around
// trainMnist(). URL parameters preset the controls (precision=fp32|fp8|fp8-rne, optimizer, lr,
// batch, epochs, profile=1), `steps=N` stops after N steps and `autostart=1` starts at once;
// window.gradwgslDemo exposes the run's state to the browser tests.
import { adapterInfo, type KernelRow, type Runtime, type TrainTest } from 'gradwgsl';
import { FP8_VARIANT_LABELS as VARIANT_LABELS } from 'gradwgsl/experiments';
import { LiveChart } from '../common/chart.js';
import { loadDigits } from '../common/digits.js';
import { startEngine } from '../common/engine.js';
import { escapeHtml } from '../common/webgpu.js';
import { LOWP_LR, PRECISION_VARIANTS, trainMnist, type LowpCounters, type Precision, type RunConfig } from './session.js';

interface DemoState {
  state: 'loading' | 'ready' | 'training' | 'done' | 'error' | 'no-webgpu';
  losses: number[];
  epochs: { epoch: number; trainAccuracy: number; testAccuracy: number }[];
  /** The precision of the current or last run. */
  precision?: Precision;
  /** What only the FP8 path measures (null for FP32), once a run ends. */
  lowp?: LowpCounters | null;
  error?: string;
}

declare global {
  interface Window {
    gradwgslDemo: DemoState;
  }
}

const DEFAULT_LR = { sgd: 0.05, adam: 1e-3, rmsprop: 1e-3 } as const;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const demo: DemoState = (window.gradwgslDemo = { state: 'loading', losses: [], epochs: [] });
const params = new URLSearchParams(location.search);
const ui = {
  precision: $<HTMLSelectElement>('precision'),
  precisionNote: $('precision-note'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  lr: $<HTMLInputElement>('lr'),
  batch: $<HTMLSelectElement>('batch'),
  epochs: $<HTMLInputElement>('epochs'),
  profile: $<HTMLInputElement>('profile'),
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  status: $('status'),
};
const CHART_SIZE = { width: 500, height: 280 };
const lossChart = new LiveChart($('loss-chart'), ['train loss'], { title: '', xLabel: 'step', yLabel: 'cross-entropy', ...CHART_SIZE });
const accChart = new LiveChart($('acc-chart'), ['train', 'held-out'], { title: '', xLabel: 'epoch', yLabel: 'accuracy', ...CHART_SIZE });

const PRECISION_NOTES: Record<Precision, string> = {
  fp32: 'FP32 throughout: the model and optimizers of <code>gradwgsl train</code>.',
  fp8: 'The fp8 experiment\'s paper configuration (Wang et al. 2018): layers 1 and 3 in FP16 (1,6,9), layer 2 with FP8 (1,5,2) ' +
    'operands and gradients, every GEMM accumulating in FP16 in chunks of 64, FP16 master weights updated by SGD ' +
    '(momentum 0.9, weight decay 1e-4) with stochastic rounding, so the optimizer is fixed. The formats are emulated in ' +
    'f32 and u32 words: no <code>shader-f16</code> needed.',
  'fp8-rne': 'As FP8 (paper), but the weight update rounds to nearest: updates smaller than half an ulp of their weight are lost.',
};

function selectedPrecision(): Precision {
  return ui.precision.value as Precision;
}

function showPrecision(): void {
  const lowp = PRECISION_VARIANTS[selectedPrecision()] !== null;
  ui.optimizer.disabled = lowp;
  ui.optimizer.title = lowp ? 'The FP8 precisions train with the paper\'s SGD on FP16 master weights.' : '';
  ui.precisionNote.innerHTML = PRECISION_NOTES[selectedPrecision()];
}

function presetControls(): void {
  for (const [key, el] of [['precision', ui.precision], ['optimizer', ui.optimizer], ['batch', ui.batch], ['epochs', ui.epochs]] as const) {
    const v = params.get(key);
    if (v === null) continue;
    el.value = v;
    if (el instanceof HTMLSelectElement && el.value !== v) {
      throw new Error(`${key}=${v} in the address is not one of ${Array.from(el.options, (o) => o.value).join(', ')}; fix it and reload`);
    }
  }
  ui.profile.checked = params.get('profile') === '1';
  const lr = () => (PRECISION_VARIANTS[selectedPrecision()] === null ? DEFAULT_LR[ui.optimizer.value as RunConfig['optimizer']] : LOWP_LR);
  ui.lr.value = params.get('lr') ?? String(lr());
  showPrecision();
  ui.optimizer.addEventListener('change', () => (ui.lr.value = String(lr())));
  ui.precision.addEventListener('change', () => {
    ui.lr.value = String(lr());
    showPrecision();
  });
}

const percent = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toPrecision(3)}%`);

/** The FP8 path's own measurements, for the status line. */
function lowpSummary(c: LowpCounters): string {
  return ` · ${VARIANT_LABELS[c.variant]}: updates below half an ulp (lost under round-to-nearest) ${percent(c.lostUpdateFraction)}, ` +
    `FP8 gradients that underflowed ${percent(c.underflowFraction)}`;
}

function showAdapter(rt: Runtime): void {
  const info = adapterInfo(rt.gpu);
  const rows: [string, string][] = [
    ['adapter', [info.adapter.vendor, info.adapter.architecture, info.adapter.description].filter(Boolean).join(' · ')],
    ['fallback (software)', String(info.adapter.isFallbackAdapter)],
    ['features', info.features.join(', ') || 'none of shader-f16, timestamp-query, subgroups'],
    ...Object.entries(info.limits).map(([k, v]): [string, string] => [k, String(v)]),
  ];
  $('adapter').innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('');
}

function showKernels(rows: KernelRow[]): void {
  const head = '<tr><th>count</th><th>total ms</th><th>mean ms</th><th>% step</th><th>kernel (op, inputs)</th></tr>';
  const body = rows.slice(0, 12).map((r) =>
    `<tr><td>${r.count}</td><td>${r.totalMs.toFixed(2)}</td><td>${r.meanMs.toFixed(3)}</td><td>${r.percentOfStep.toFixed(1)}</td><td>${escapeHtml(r.label)}</td></tr>`).join('');
  $('kernels').innerHTML = `<table class="kernels">${head}${body}</table>`;
}

function readConfig(): RunConfig {
  const lr = Number(ui.lr.value);
  return {
    precision: selectedPrecision(),
    optimizer: ui.optimizer.value as RunConfig['optimizer'],
    lr: Number.isFinite(lr) && lr > 0 ? lr : undefined,
    batch: Number(ui.batch.value),
    epochs: Math.max(1, Math.floor(Number(ui.epochs.value)) || 1),
    seed: Number(params.get('seed') ?? 1),
    maxSteps: Number(params.get('steps') ?? 0),
    profile: ui.profile.checked,
  };
}

async function run(rt: Runtime, data: TrainTest): Promise<void> {
  const config = readConfig();
  const abort = new AbortController();
  ui.start.disabled = true;
  ui.precision.disabled = true;
  ui.stop.disabled = false;
  ui.stop.onclick = () => abort.abort();
  demo.state = 'training';
  demo.losses = [];
  demo.epochs = [];
  demo.precision = config.precision;
  demo.lowp = undefined;
  lossChart.clear();
  accChart.clear();
  const perEpoch = Math.floor(data.train.n / config.batch);
  ui.status.textContent = `measuring the untrained model, then compiling the training step (${ui.precision.selectedOptions[0]!.text}, ` +
    `${PRECISION_VARIANTS[config.precision] === null ? config.optimizer : 'SGD on FP16 weights'}, batch ${config.batch})…`;
  try {
    const result = await trainMnist(rt, data, config, abort.signal, {
      onStart: (heldOut) => accChart.add(1, 0, heldOut),
      onStep: (info, rate) => {
        const step = info.epoch * perEpoch + info.batch;
        demo.losses.push(info.loss);
        lossChart.add(0, step, info.loss);
        ui.status.textContent = `epoch ${info.epoch + 1}/${config.epochs}, step ${info.batch}/${perEpoch}: loss ${info.loss.toFixed(4)} · ${rate.toFixed(1)} steps/s`;
      },
      onEpoch: (r) => {
        demo.epochs.push({ epoch: r.epoch, trainAccuracy: r.trainAccuracy, testAccuracy: r.testAccuracy });
        accChart.add(0, r.epoch, r.trainAccuracy);
        accChart.add(1, r.epoch, r.testAccuracy);
      },
      onKernels: showKernels,
    });
    const last = result.epochs.at(-1);
    demo.lowp = result.lowp;
    ui.status.textContent = (result.interrupted ? 'stopped' : 'done') +
      (last ? `: held-out accuracy ${(100 * last.testAccuracy).toFixed(2)}% after epoch ${last.epoch}` : ` after ${demo.losses.length} steps, loss ${demo.losses.at(-1)?.toFixed(4)}`) +
      (result.lowp ? lowpSummary(result.lowp) : '');
    demo.state = 'done';
  } catch (e) {
    demo.state = 'error';
    demo.error = (e as Error).message;
    ui.status.textContent = `error: ${demo.error}`;
  } finally {
    ui.start.disabled = false;
    ui.precision.disabled = false;
    ui.stop.disabled = true;
  }
}

async function main(): Promise<void> {
  presetControls();
  const rt = await startEngine($('webgpu'));
  if (!rt) {
    demo.state = 'no-webgpu';
    ui.status.textContent = 'WebGPU is needed to train here (see above).';
    return;
  }
  showAdapter(rt);
  if (!rt.gpu.has('timestamp-query')) {
    ui.profile.disabled = true;
    $('kernels').textContent = 'This adapter has no timestamp-query: kernels cannot be timed here.';
  }
  ui.status.textContent = 'loading the digits…';
  const data = await loadDigits();
  demo.state = 'ready';
  ui.status.textContent = `ready: ${data.train.n} training and ${data.test.n} held-out digits.`;
  ui.start.disabled = false;
  ui.start.onclick = () => void run(rt, data);
  if (params.get('autostart') === '1') await run(rt, data);
}

main().catch((e: Error) => {
  demo.state = 'error';
  demo.error = e.message;
  ui.status.textContent = `error: ${e.message}`;
});
