// Experiment configs from JSON (reproduce --config and the browser pages' editor): deep merge over
// the profile, one schema per experiment, and messages that name the key path, what was expected
// and what was given, or the nearest valid key for a typo.
import { describe, expect, it } from 'vitest';
import { availableExperiments, experimentConfig } from '../../src/cli/reproduce.js';
import { applyOverrides } from '../../src/demos/experiment/config.js';
import { EXPERIMENTS } from '../../src/demos/experiment/registry.js';
import { applyConfigOverrides, deepMerge, integer, list } from '../../src/experiments/config-schema.js';
import { CONFIG_SCHEMAS, configSchemaOf } from '../../src/experiments/config-schemas.js';
import { z } from 'zod';
import { GradwgslError } from '../../src/device/errors.js';

/** The message a config fails with (the test fails if it does not). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(GradwgslError);
    return (e as Error).message;
  }
  throw new Error('the config was accepted');
}

const loadAll = () => Promise.all(EXPERIMENTS.map(async (e) => [e.name, await e.load()] as const));

describe('every experiment has a schema', () => {
  it('for each experiment of the CLI and of the browser pages, accepting both of its profiles', async () => {
    expect(Object.keys(CONFIG_SCHEMAS).sort()).toEqual(availableExperiments());
    expect(EXPERIMENTS.map((e) => e.name).sort()).toEqual(availableExperiments());
    for (const [name, exp] of await loadAll()) {
      for (const profile of [exp.quickConfig, exp.defaultConfig]) {
        const parsed = configSchemaOf(name).safeParse(JSON.parse(JSON.stringify(profile)));
        expect(parsed.error?.issues ?? [], name).toEqual([]);
      }
    }
  });
});

describe('reproduce --config', () => {
  const fp8 = async () => (await import('../../src/experiments/fp8/index.js')).experiment;

  it('merges a partial nested override over the profile, keeping every sibling', async () => {
    const exp = await fp8();
    const config = experimentConfig(exp, { quick: true, config: '{"mnist":{"high":{"epochs":2},"hidden":[32]}}' });
    expect(config.mnist.high).toEqual({ lr: exp.quickConfig.mnist.high.lr, epochs: 2 });
    expect(config.mnist.hidden).toEqual([32]);
    expect(config.mnist.low).toEqual(exp.quickConfig.mnist.low);
    expect(config.swamping).toEqual(exp.quickConfig.swamping);
    expect(exp.quickConfig.mnist.high.epochs).toBe(1); // the profile itself is untouched
  });

  it('suggests the nearest key for a typo, and lists the keys when none is near', async () => {
    const exp = await fp8();
    expect(refusal(() => experimentConfig(exp, { config: '{"mnist":{"batch_size":10}}' }))).toBe("--config: unknown key 'batch_size' in mnist; did you mean 'batchSize'?");
    expect(refusal(() => experimentConfig(exp, { config: '{"swamp":{}}' }))).toBe("--config: unknown key 'swamp' at the top level; did you mean 'swamping'?");
    expect(refusal(() => experimentConfig(exp, { config: '{"mnist":{"high":{"speed":1}}}' }))).toBe("--config: unknown key 'speed' in mnist.high; the keys there are lr, epochs");
  });

  it('names the key path, the expected type or range and the value given, for every problem at once', async () => {
    const exp = await fp8();
    expect(refusal(() => experimentConfig(exp, { config: '{"mnist":{"batchSize":"64","high":{"lr":-1},"seeds":[1,2.5]}}' }))).toBe(
      "--config: 'mnist.seeds[1]' must be an integer in [0, 1073741824], not 2.5; 'mnist.batchSize' must be an integer ≥ 1, not \"64\"; 'mnist.high.lr' must be a number > 0, not -1",
    );
    expect(refusal(() => experimentConfig(exp, { config: '{"mnist":{"trainExamples":true,"ablations":["fp16"]}}' }))).toBe(
      "--config: 'mnist.trainExamples' must be an integer ≥ 1 or null, not true; 'mnist.ablations[0]' must be one of \"fp32\", \"paper\", \"rne-update\", \"no-chunking\", \"all-fp8\", \"binary16\", \"block-fp8\", not \"fp16\"",
    );
    expect(refusal(() => experimentConfig(exp, { config: '{"accumulation":{"sizes":[]},"mnist":{"high":3}}' }))).toBe(
      "--config: 'accumulation.sizes' must be a list of at least 1 item, each an integer ≥ 1, not []; 'mnist.high' must be an object with the keys lr, epochs, not 3",
    );
  });

  it('reports a key missing from a replaced list item, and bad JSON', async () => {
    const gce = (await import('../../src/experiments/gce/index.js')).experiment;
    expect(refusal(() => experimentConfig(gce, { config: '{"noises":[{"kind":"uniform"}]}' }))).toBe("--config: 'noises[0].rate' must be a number in [0, 1], but it is missing");
    expect(refusal(() => experimentConfig(gce, { config: '{"seeds":' }))).toMatch(/^--config is not valid JSON \(.*\); write it like/);
    expect(refusal(() => experimentConfig(gce, { config: '[1]' }))).toBe('--config must be a JSON object like {"epochs": 3}, not [1]');
  });

  it('reads a file when the value is not JSON, and says when there is none', async () => {
    const exp = await fp8();
    expect(refusal(() => experimentConfig(exp, { config: '/no/such/config.json' }))).toMatch(/^--config \/no\/such\/config\.json: that is neither a JSON object nor a readable file \(ENOENT\)/);
  });
});

describe('the browser editor and the CLI agree', () => {
  it('give the same config and the same refusals', async () => {
    for (const [name, exp] of await loadAll()) {
      const key = Object.keys(exp.quickConfig)[0]!;
      const typo = JSON.stringify({ [`${key}x`]: 1 });
      const page = refusal(() => applyOverrides(name, exp.quickConfig, typo, '--config'));
      expect(page).toBe(refusal(() => experimentConfig(exp, { quick: true, config: typo })));
      expect(page).toBe(`--config: unknown key '${key}x' at the top level; did you mean '${key}'?`);
    }
    const ctld = (await loadAll()).find(([n]) => n === 'ctld')![1];
    const override = '{"train":{"epochs":2}}';
    expect(applyOverrides('ctld', ctld.quickConfig, override, 'the config')).toEqual(experimentConfig(ctld, { quick: true, config: override }));
  });
});

describe('deep merge', () => {
  it('merges objects key by key, replaces arrays and values, and keeps "__proto__" a plain (refused) key', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: null }, { a: { c: [3] }, d: 4 })).toEqual({ a: { b: 1, c: [3] }, d: 4 });
    const schema = z.strictObject({ a: integer(0) });
    const polluted = JSON.parse('{"__proto__":{"polluted":true}}');
    expect(refusal(() => applyConfigOverrides(schema, { a: 1 }, polluted, 'c'))).toBe("c: unknown key '__proto__' at the top level; the keys there are a");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(applyConfigOverrides(z.strictObject({ a: list(integer(0)) }), { a: [1] }, { a: [2, 3] }, 'c')).toEqual({ a: [2, 3] });
  });
});
