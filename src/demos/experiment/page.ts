// The page of one paper experiment (which one: <main data-experiment>, written by the build):
// pick a profile, edit its config as JSON, run the experiment's own run() on WebGPU and show its
// report. URL parameters: profile=quick|default, config=<JSON written over the profile>,
// autostart=1. The state is on window.gradwgslExperiment (./state.ts).
import type { Runtime } from 'gradwgsl';
import { experimentRecord, type AnyExperiment, type ProgressEvent, type Profile } from 'gradwgsl/experiments';
import { startEngine } from '../common/engine.js';
import { applyOverrides, formatConfig } from './config.js';
import { ProgressView } from './progress.js';
import { experimentEntry } from './registry.js';
import { showResults } from './results.js';
import type { ExperimentPageState } from './state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const name = document.querySelector('main')!.dataset.experiment!;
const demo: ExperimentPageState = (window.gradwgslExperiment = { experiment: name, state: 'loading', progress: [], claims: [], plots: [] });
const params = new URLSearchParams(location.search);
const ui = {
  adapter: $('adapter'),
  profile: $<HTMLSelectElement>('profile'),
  config: $<HTMLTextAreaElement>('config'),
  configError: $('config-error'),
  run: $<HTMLButtonElement>('run'),
  status: $('status'),
};
const progress = new ProgressView($<HTMLProgressElement>('progress'), $('progress-time'));
const results = { section: $('results'), claims: $<HTMLTableElement>('claims'), plots: $('plots'), report: $('report'), download: $<HTMLAnchorElement>('download') };

const profile = (): Profile => (ui.profile.value === 'default' ? 'default' : 'quick');
const baseConfig = (exp: AnyExperiment) => (profile() === 'default' ? exp.defaultConfig : exp.quickConfig);
const show = (config: unknown) => (ui.config.value = formatConfig(config));

function showFailure(state: 'error' | 'bad-config', message: string): void {
  demo.state = state;
  demo.error = message;
  if (state === 'bad-config') {
    ui.configError.textContent = `${message}${/[.?!]$/.test(message) ? '' : '.'} Nothing was run.`;
    ui.configError.hidden = false;
  } else {
    ui.status.textContent = `error: ${message}`;
    ui.status.classList.add('error');
  }
}

/** The editor's config, or null (with the reason shown) when it is not one. */
function readConfig(exp: AnyExperiment): unknown {
  ui.configError.hidden = true;
  try {
    return applyOverrides(exp.name, baseConfig(exp), ui.config.value, 'the config');
  } catch (e) {
    showFailure('bad-config', (e as Error).message);
    return null;
  }
}

async function run(rt: Runtime, exp: AnyExperiment): Promise<void> {
  const config = readConfig(exp);
  if (config === null) return;
  Object.assign(demo, { state: 'running', progress: [], claims: [], plots: [], error: undefined, seconds: undefined, record: undefined });
  ui.run.disabled = ui.profile.disabled = true;
  ui.status.classList.remove('error');
  ui.status.textContent = `running ${exp.name} (${profile()} profile)…`;
  results.section.hidden = true;
  progress.start();
  try {
    const result = await exp.run(config, (event: ProgressEvent) => {
      demo.progress.push({ ...event });
      progress.update(event);
    });
    const seconds = progress.seconds;
    const report = exp.report(result);
    const record = experimentRecord(exp, report, { profile: profile(), device: rt.gpu.adapter, config, seconds, result });
    showResults(results, report, record);
    Object.assign(demo, { state: 'done', claims: report.claims, plots: Object.keys(report.plots), seconds, record });
    ui.status.textContent = `done in ${seconds.toFixed(1)} s: ${report.claims.length} claims checked.`;
  } catch (e) {
    showFailure('error', (e as Error).message);
  } finally {
    progress.stop();
    ui.run.disabled = ui.profile.disabled = false;
  }
}

async function main(): Promise<void> {
  const exp = await experimentEntry(name).load();
  document.title = `gradwgsl · ${exp.title}`;
  if (params.get('profile') === 'default') ui.profile.value = 'default';
  ui.profile.onchange = () => show(baseConfig(exp));
  show(baseConfig(exp));
  const overrides = params.get('config');
  let urlConfigOk = true;
  if (overrides !== null) {
    try {
      show(applyOverrides(exp.name, baseConfig(exp), overrides, 'the URL parameter config'));
    } catch (e) {
      showFailure('bad-config', (e as Error).message);
      urlConfigOk = false;
    }
  }
  const rt = await startEngine($('webgpu'));
  if (!rt) {
    demo.state = 'no-webgpu';
    ui.adapter.textContent = 'No WebGPU here (see above): the config can be read but not run.';
    ui.status.textContent = 'WebGPU is needed to run the experiment.';
    return;
  }
  const a = rt.gpu.adapter;
  ui.adapter.textContent = `adapter: ${[a.vendor, a.architecture, a.description].filter(Boolean).join(' · ')}${a.isFallbackAdapter ? ' (software fallback: expect the quick profile to take minutes)' : ''}`;
  if (urlConfigOk) demo.state = 'ready';
  ui.status.textContent = 'ready: choose a profile, edit the config if you like, and press Run.';
  ui.run.disabled = false;
  ui.run.onclick = () => void run(rt, exp);
  if (params.get('autostart') === '1' && urlConfigOk) await run(rt, exp);
}

main().catch((e: Error) => showFailure('error', e.message));
