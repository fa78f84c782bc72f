// The paper experiment pages in headless Chromium (SwiftShader): every experiment of the
// browser registry runs its own src/experiments code from its page with a tiny config (URL
// parameters autostart=1 and config=…), and the page shows what the run produced: the claims
// table row for row, every plot as inline SVG, progress to the end, and a result.json with the
// CLI's record shape. A bad config is refused without running, the gallery links every page
// under the experiment's own title, and without WebGPU a page says what to change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOverrides, formatConfig } from '../../src/demos/experiment/config.js';
import type { AnyExperiment } from '../../src/experiments/papers.js';
import { EXPERIMENTS } from '../../src/demos/experiment/registry.js';
import type { ExperimentPageState } from '../../src/demos/experiment/state.js';
import { INSTALL_AND_RUN_MS, expectNoWebgpuPage, openDemos, type Demos } from './harness.js';

interface Tiny {
  /** Written over the quick profile: small enough for about 30 s on SwiftShader. */
  config: object;
  /** A number from the run that only a real run gets right. */
  check(result: any): void;
}

const finite = (xs: number[]) => xs.every(Number.isFinite);

const TINY: Record<string, Tiny> = {
  fp8: {
    config: {
      accumulation: { sizes: [256, 1024], seeds: [1] },
      swamping: { elements: 100, steps: 100 },
      mnist: { trainExamples: 500, testExamples: 200, hidden: [32], batchSize: 50 },
    },
    check(r) {
      // The GPU's FP16/FP8 sums match the CPU reference of each rounding mode bit for bit.
      expect(r.accumulation.length).toBe(2 * 6);
      expect(r.accumulation.every((c: any) => c.bitIdentical && Number.isFinite(c.relError))).toBe(true);
      // One epoch at the high lr already beats chance (10%) on the held-out digits.
      const fp32 = r.mnist.find((m: any) => m.variant === 'fp32' && m.lr === 0.02);
      expect(fp32.epochRecords.at(-1).testAccuracy).toBeGreaterThan(0.25);
    },
  },
  kbfgs: {
    config: {
      widths: [196, 16, 196], trainSize: 500, batchSize: 125, epochs: 2, seeds: [0],
      kbfgsGrid: [[0.3, 1]], kfacGrid: [[0.3, 0.3]], adamLrs: [0.003], sgdLrs: [0.03],
      studies: [{ kind: 'kbfgs-l', lr: 0.3, damping: 1, memory: 20 }, { kind: 'kbfgs-nodd', lr: 0.3, damping: 1 }],
    },
    check(r) {
      // Grid (4 methods) plus K-BFGS(L) and the ablation; each curve starts at epoch 0.
      expect(r.runs.length).toBe(6);
      for (const run of r.runs) {
        expect(run.curve.map((p: any) => p.epoch)).toEqual([0, 1, 2]);
        expect(finite(run.curve.map((p: any) => p.loss))).toBe(true);
      }
      // 8 K-BFGS iterations take the autoencoder's loss (about 136 at init) down by a quarter or more.
      const losses = r.runs.find((run: any) => run.setting.kind === 'kbfgs').curve.map((p: any) => p.loss);
      expect(losses[2]).toBeLessThan(losses[1]);
      expect(losses[1]).toBeLessThan(losses[0]);
      expect(losses[2]).toBeLessThan(0.75 * losses[0]);
    },
  },
  glyph: {
    config: {
      params: { n: 1024, security: 'none', ciphertextPrimes: [2147205121, 2147074049, 2146959361, 2146713601] },
      multiplyLevel: 3, sumLevel: 2, privateSamples: 128, features: 4, batch: 40,
    },
    check(r) {
      // Every decrypted class sum (4 features × 10 classes) and count equals the integer simulation.
      expect(r.exact).toEqual({ mismatches: 0, total: 4 * 10 + 10 });
      expect(r.accuracy.encrypted).toBe(r.accuracy.integer);
      expect(r.accuracy.float).toBeGreaterThan(0.3);
    },
  },
  gce: {
    config: {
      sizes: { train: 200, val: 100, test: 200 }, seeds: [1],
      train: { hidden: [16], epochs: 3, lrDecayEpochs: [2], pruneStart: 1, pruneEvery: 1 },
    },
    check(r) {
      // The quick profile's 60% uniform noise, realised on 200 labels.
      expect(r.runs.length).toBe(3);
      for (const run of r.runs) {
        expect(Math.abs(run.realisedRate - 0.6)).toBeLessThan(0.1);
        expect(run.epochs.length).toBe(3);
        expect(run.epochs.every((e: any) => e.testAccuracy >= 0 && e.testAccuracy <= 1)).toBe(true);
      }
    },
  },
  ctld: {
    config: {
      trainSize: 200, testSize: 200, methods: ['sgdm', 'ctld'], seeds: [1],
      train: { hidden: [16], epochs: 3, phase1Epochs: 2, lrDecayEpochs: [2], switchCapSteps: 5 },
      toy: { steps: 200 },
    },
    check(r) {
      // The toy study: 6 chains of each of the three samplers.
      expect(r.toy.chains.length).toBe(18);
      expect(r.runs.map((run: any) => run.method)).toEqual(['sgdm', 'ctld']);
      for (const run of r.runs) expect(run.finalTest).toBeGreaterThan(0.15); // chance is 0.1
      expect(r.runs[1].phase1.alphaTrace.length).toBeGreaterThan(0);
    },
  },
  normfree: {
    config: { depths: [2], width: 16, variants: ['plain', 'bn', 'rescale'], bnLrs: [0.05], epochs: 1, batchSize: 2000, probeBatch: 64 },
    check(r) {
      const signal = (v: string) => r.signal.find((s: any) => s.variant === v);
      for (const s of r.signal) expect(finite([s.stem, ...s.blocks]) && [s.stem, ...s.blocks].every((x: number) => x > 0)).toBe(true);
      // The paper's point at init: rescaled branches keep the signal from growing block by block.
      expect(signal('rescale').blocks.at(-1)).toBeLessThan(signal('plain').blocks.at(-1));
      for (const run of r.runs) expect(finite(run.epochRecords.map((e: any) => e.trainLoss))).toBe(true);
    },
  },
  overparam: {
    config: {
      e1: { n: 10, widths: [8, 16], seeds: [0], tmax: 300 },
      e2: { width: 16, ns: [5, 10], tmax: 300 },
      e3: { width: 16, pairs: 3, phis: [0.4, 0.2], tmax: 300 },
      chunk: 50,
    },
    check(r) {
      // One seed at each of the 2 widths, 2 sample counts and 2 separations.
      const runs = [...r.e1, ...r.e2, ...r.e3].flatMap((p: any) => p.runs);
      expect(runs.length).toBe(6);
      for (const run of runs) {
        expect(Number.isFinite(run.finalLoss)).toBe(true);
        expect(run.finalLoss).toBeLessThan(0.5 * run.initialLoss); // 300 GD steps at least halve the loss
      }
    },
  },
};

const urlOf = (name: string, params: Record<string, string>) => `${demos.url}${name}.html?${new URLSearchParams(params)}`;
const settled = () => ['done', 'error', 'bad-config', 'no-webgpu'].includes(window.gradwgslExperiment?.state);
/** The page's state; NaN survives (playwright serialises it), unlike in result.json. */
const pageState = (page: import('playwright-core').Page) => page.evaluate(() => window.gradwgslExperiment as ExperimentPageState);

let demos: Demos;
const loaded = new Map<string, AnyExperiment>();

beforeAll(async () => {
  demos = await openDemos();
  for (const entry of EXPERIMENTS) loaded.set(entry.name, await entry.load());
}, INSTALL_AND_RUN_MS);

afterAll(async () => {
  await demos?.close();
});

describe('the config editor', () => {
  it('shows JSON that reads back to the same config, with arrays of plain values on one line', () => {
    const config = { epochs: 30, train: { lr: 0.1, hidden: [64] }, limit: null, grid: [[0.1, 3], [1, 0.3]], names: ['a, b', 'c'], empty: {} };
    const text = formatConfig(config);
    expect(JSON.parse(text)).toEqual(config);
    expect(text).toContain('"hidden": [64]');
    expect(text).toContain('"grid": [\n    [0.1, 3],\n    [1, 0.3]\n  ]');
    expect(text).toContain('"names": ["a, b", "c"]');
  });
});

describe('experiment pages run their experiment in Chromium', () => {
  for (const entry of EXPERIMENTS) {
    it(`${entry.name}: runs a tiny config and shows its claims, plots, progress and record`, async () => {
      const tiny = TINY[entry.name];
      if (!tiny) throw new Error(`no tiny config for '${entry.name}' in this test: add one to TINY`);
      const exp = loaded.get(entry.name)!;
      const page = await demos.browser.newPage({ viewport: { width: 1200, height: 900 } });
      try {
        await page.goto(urlOf(entry.name, { autostart: '1', config: JSON.stringify(tiny.config) }));
        await page.waitForFunction(settled, null, { timeout: 150_000 });
        const s = await pageState(page);
        expect(s.error ?? '').toBe('');
        expect(s.state).toBe('done');

        // The claims table is the report's, row for row, verdicts coloured by class.
        const rows = await page.$$eval('#claims tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
        expect(s.claims.length).toBeGreaterThan(0);
        expect(rows).toEqual(s.claims.map((c) => [c.claim, c.paper, c.ours, c.verdict]));
        const classes = await page.$$eval('#claims td.verdict', (tds) => tds.map((td) => td.className));
        expect(classes).toEqual(s.claims.map((c) => `verdict ${c.verdict.replace(/[^a-z]+/g, '-')}`));

        // Every plot inline as SVG, captioned with its file name; the report text in the page.
        expect(await page.$$eval('#plots figure', (fs) => fs.map((f) => [f.querySelector(':scope > svg') !== null, f.querySelector('figcaption')!.textContent]))).toEqual(
          s.plots.map((file) => [true, file]),
        );
        expect(await page.textContent('#report')).toContain(s.claims[0]!.claim);

        // Progress reached its total, and the bar shows it.
        const last = s.progress.at(-1)!;
        expect(last.total).toBeGreaterThan(0);
        expect(last.done).toBe(last.total);
        expect(s.progress.every((e, i) => i === 0 || e.done >= s.progress[i - 1]!.done)).toBe(true);
        expect(await page.$eval('#progress', (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max])).toEqual([last.total, last.total]);

        // The record: the CLI's shape, the config the URL asked for, and the download holds the same JSON.
        const record = s.record!;
        expect(Object.keys(record)).toEqual(['experiment', 'paper', 'profile', 'device', 'config', 'seconds', 'claims', 'result']);
        expect(record).toMatchObject({ experiment: entry.name, paper: exp.paper, profile: 'quick', claims: s.claims });
        expect(record.device.runtime).toBe('browser');
        expect(record.config).toEqual(applyOverrides(entry.name, exp.quickConfig, JSON.stringify(tiny.config), 'tiny'));
        expect(record.seconds).toBeGreaterThan(0);
        expect(s.seconds).toBe(record.seconds);
        const downloaded = await page.evaluate(async () => (await fetch((document.getElementById('download') as HTMLAnchorElement).href)).json());
        expect(downloaded).toEqual(JSON.parse(JSON.stringify(record)));

        tiny.check(record.result);
      } finally {
        await page.close();
      }
    }, 200_000);
  }
});

describe('config errors, the gallery, and missing WebGPU', () => {
  it('a bad config from the URL or the editor is refused with the reason, and nothing runs', async () => {
    const page = await demos.browser.newPage();
    try {
      await page.goto(urlOf('ctld', { autostart: '1', config: '{"train":{"epoch":3}}' }));
      await page.waitForFunction(settled, null, { timeout: 30_000 });
      let s = await pageState(page);
      expect(s.state).toBe('bad-config');
      expect(s.error).toContain("unknown key 'epoch' in train; did you mean 'epochs'?");
      expect(await page.textContent('#config-error')).toBe("the URL parameter config: unknown key 'epoch' in train; did you mean 'epochs'? Nothing was run.");
      expect(await page.isVisible('#config-error')).toBe(true);
      // The editor holds the quick profile untouched, ready to fix and run by hand.
      expect(JSON.parse(await page.inputValue('#config'))).toEqual(JSON.parse(JSON.stringify(loaded.get('ctld')!.quickConfig)));

      await page.fill('#config', '{"trainSize": 200,');
      await page.click('#run');
      // The state is 'bad-config' already (from the URL): wait for the editor's own refusal.
      await page.waitForFunction(() => document.getElementById('config-error')!.textContent!.startsWith('the config '), null, { timeout: 10_000 });
      s = await pageState(page);
      expect(s.state).toBe('bad-config');
      expect(await page.textContent('#config-error')).toMatch(/^the config is not valid JSON \(.*\); write it like \{"epochs": 3\}\. Nothing was run\.$/);
      expect(s.progress).toEqual([]);
      expect(await page.isHidden('#results')).toBe(true);
      expect(await page.isEnabled('#run')).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('the gallery links every experiment page under its title, and each page carries that title and its quick config', async () => {
    const page = await demos.browser.newPage();
    try {
      await page.goto(demos.url);
      const cards = await page.$$eval('#experiments a.card', (as) => as.map((a) => [a.getAttribute('href'), a.querySelector('h2')!.textContent]));
      const titles = EXPERIMENTS.map((e) => loaded.get(e.name)!.title);
      expect(cards).toEqual(EXPERIMENTS.map((e, i) => [`${e.name}.html`, titles[i]]));
      for (const [i, entry] of EXPERIMENTS.entries()) {
        await page.click(`#experiments a[href="${entry.name}.html"]`);
        await page.waitForURL(`**/${entry.name}.html`);
        await page.waitForFunction(() => window.gradwgslExperiment?.state === 'ready', null, { timeout: 30_000 });
        expect(await page.title()).toBe(`gradwgsl · ${titles[i]}`);
        expect(await page.textContent('h1')).toBe(titles[i]);
        expect(JSON.parse(await page.inputValue('#config'))).toEqual(JSON.parse(JSON.stringify(loaded.get(entry.name)!.quickConfig)));
        await page.goBack();
      }
    } finally {
      await page.close();
    }
  }, 120_000);

  it('without WebGPU a page says which flag is needed and does not run', async () => {
    await expectNoWebgpuPage(urlOf('kbfgs', { autostart: '1' }), () => window.gradwgslExperiment?.state === 'no-webgpu', '#run', async (page) => {
      expect((await pageState(page)).progress).toEqual([]);
    });
  });
});
