// The trace `gradwgsl profile` writes, loaded into the real DevTools Performance panel of the
// installed Chromium: the panel draws the gradwgsl track group with every kernel, step and memory
// entry of the file. (DevTools' trace engine alone accepted an earlier version of the file that
// the panel showed blank, so this checks the panel itself.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevToolsPanel, type PanelView } from '../../scripts/devtools-panel.js';
import { profileMnistMlp } from '../../src/cli/profile.js';
import type { ChromeTrace } from '../../src/profile/trace.js';
import { INSTALL_AND_RUN_MS, ensureChromium } from './harness.js';

// Three timed steps, so the step the test zooms on (step 2) is not the last thing in the trace.
const STEPS = 3;
let dir: string;
let trace: ChromeTrace;
let panel: DevToolsPanel | undefined;
let view: PanelView;

beforeAll(async () => {
  ensureChromium();
  dir = mkdtempSync(join(tmpdir(), 'gradwgsl-devtools-'));
  const out = join(dir, 'trace.json');
  await profileMnistMlp({ steps: STEPS, warmup: 1, batch: 32, optimizer: 'sgd', momentum: 0.9, seed: 1, out, json: true });
  const bytes = readFileSync(out);
  trace = JSON.parse(bytes.toString('utf8')) as ChromeTrace;
  panel = await DevToolsPanel.open();
  view = await panel.load(bytes);
}, INSTALL_AND_RUN_MS);

afterAll(async () => {
  await panel?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The entry names the file puts on each gradwgsl track. */
function fileTracks(): Map<string, string[]> {
  const tracks = new Map<string, string[]>();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'b') continue;
    const { track } = JSON.parse(e.args.detail as string).devtools as { track: string };
    tracks.set(track, [...(tracks.get(track) ?? []), e.name]);
  }
  return tracks;
}

describe('a gradwgsl profile trace in the DevTools Performance panel', () => {
  it('shows the gradwgsl track group with its three tracks', () => {
    const at = view.groups.findIndex((g) => g.name === 'gradwgsl');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(view.groups[at]!.nesting).toBe(0);
    const tracks = view.groups.slice(at + 1).filter((g) => g.nesting === 1).map((g) => g.name);
    expect(tracks.sort()).toEqual([...fileTracks().keys()].sort());
  });

  it('draws every entry of the file on its track, kernels included', () => {
    const file = fileTracks();
    expect(file.get('GPU kernels')!.length).toBeGreaterThan(10 * STEPS);
    for (const [track, names] of file) {
      const drawn = view.groups.find((g) => g.name === track)!.entries.map((e) => e.title);
      expect(drawn.sort()).toEqual([...names].sort());
    }
  });

  it('can focus and zoom on the gradwgsl group (what the README screenshot uses)', async () => {
    await panel!.focusGroup('gradwgsl');
    const begin = trace.traceEvents.find((e) => e.ph === 'b' && e.name === 'step 2')!;
    const end = trace.traceEvents.find((e) => e.ph === 'e' && e.id2?.local === begin.id2!.local)!;
    const step = view.groups.find((g) => g.name === 'CPU steps')!.entries.find((e) => e.title === 'step 2')!;
    // The panel keeps the file's clock: entry times are the file's microseconds in ms.
    expect(step.start).toBeCloseTo(begin.ts / 1000, 3);
    expect(step.duration).toBeCloseTo((end.ts - begin.ts) / 1000, 3);
    await panel!.setWindow(step.start, step.start + step.duration);
    const focused = await panel!.view();
    expect(focused.groups.filter((g) => g.expanded).map((g) => g.name).sort()).toEqual(['gradwgsl', ...fileTracks().keys()].sort());
    expect(focused.window[0]).toBeCloseTo(step.start, 1);
    expect(focused.window[1]).toBeCloseTo(step.start + step.duration, 1);
    // Selecting a kernel shows its properties from the file in the Summary tab.
    const kernel = view.groups.find((g) => g.name === 'GPU kernels')!.entries.find((e) => e.start >= step.start && e.title.startsWith('gemm'))!;
    const detail = trace.traceEvents.find((e) => e.ph === 'b' && Math.abs(e.ts / 1000 - kernel.start) < 1e-6 && e.name === kernel.title)!;
    const properties = Object.fromEntries(JSON.parse(detail.args.detail as string).devtools.properties as [string, string][]);
    await panel!.select(kernel);
    const shown = Object.entries(properties).map(([key, value]) => `${key} ${value}`);
    const text = await panel!.waitForText(shown);
    for (const line of shown) expect(text).toContain(line);
    const png = await panel!.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });
});
