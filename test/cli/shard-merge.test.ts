// `reproduce <paper> --shard i/n` and `merge`: a grid split into shards and joined gives the
// record of the unsharded run (every loss of every cell, the best settings, the claims), and the
// join refuses parts that do not belong together, naming the files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { merge } from '../../src/cli/merge.js';
import { reproduce, reproduceShard } from '../../src/cli/reproduce.js';
import { shardOption } from '../../src/cli/shard-option.js';
import { GradwgslError } from '../../src/device/errors.js';
import { shardKeys } from '../../src/experiments/shards.js';
import { gpu } from '../setup.js';

beforeAll(gpu);
// The commands print their records; the test reads what they return.
const quiet = vi.spyOn(console, 'log').mockImplementation(() => {});
afterAll(() => quiet.mockRestore());

// 4 settings × 2 seeds = 8 cells on 7×7 digits, one epoch of two batches each.
const CONFIG = JSON.stringify({
  widths: [49, 12, 4, 12, 49], pool: 4, trainSize: 500, batchSize: 250, epochs: 1, seeds: [0, 1],
  kbfgsGrid: [[0.1, 1]], kfacGrid: [[0.3, 1]], adamLrs: [], sgdLrs: [0.03], authorsAdamLrs: [], authorsRmspropLrs: [],
  studies: [{ kind: 'kbfgs-nodd', lr: 0.1, damping: 1 }],
});
const SHARDS = 3;

/** A record without what differs between runs of the same cells: timings, devices, provenance. */
function comparable(record: unknown): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const drop = new Set(['seconds', 'secondsPerIteration', 'device', 'source', 'shards']);
    return Object.fromEntries(Object.entries(v).filter(([k]) => !drop.has(k)).map(([k, x]) => [k, strip(x)]));
  };
  return strip(JSON.parse(JSON.stringify(record)));
}

function refusal(run: () => Promise<unknown>): Promise<string> {
  return run().then(
    () => { throw new Error('the merge was accepted'); },
    (e: unknown) => {
      expect(e).toBeInstanceOf(GradwgslError);
      return (e as Error).message;
    },
  );
}

describe('reproduce --shard and merge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-shards-'));
  const part = (i: number) => join(dir, 'kbfgs', `shard-${i}-of-${SHARDS}.json`);
  const parts = Array.from({ length: SHARDS }, (_, i) => part(i));

  it(`${SHARDS} shards merged equal the unsharded run`, async () => {
    const whole = await reproduce('kbfgs', { quick: true, config: CONFIG, out: join(dir, 'whole'), json: true });
    const sizes: number[] = [];
    for (let i = 0; i < SHARDS; i++) sizes.push((await reproduceShard('kbfgs', { index: i, count: SHARDS }, { quick: true, config: CONFIG, out: dir, json: true })).cells.length);
    expect(sizes).toEqual([3, 3, 2]);
    // The parts may come in any order.
    const merged = await merge([...parts].reverse(), { out: join(dir, 'merged'), json: true });
    expect(comparable(merged)).toEqual(comparable(whole));
    expect((merged.result as { runs: unknown[] }).runs).toHaveLength(8);
    expect(merged.shards!.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(merged.source!.commit).toBe(whole.source!.commit);
    // What merge wrote is what it returned.
    expect(JSON.parse(readFileSync(join(dir, 'merged', 'kbfgs', 'result.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(merged)));
  }, 900_000);

  it('refuses a missing shard, a shard given twice, another config or commit, and a full record', async () => {
    const out = join(dir, 'refused');
    expect(await refusal(() => merge(parts.slice(0, 2), { out }))).toMatch(/2 of 8 cells are missing .*: shards 2 of 3 were not given/);
    expect(await refusal(() => merge([...parts, part(1)], { out }))).toMatch(new RegExp(`cell '.*' is in both .*shard-1-of-3.json and .*shard-1-of-3.json`));
    const altered = (i: number, change: (r: Record<string, any>) => void) => {
      const r = JSON.parse(readFileSync(part(i), 'utf8'));
      change(r);
      const file = join(dir, `altered-${i}.json`);
      writeFileSync(file, JSON.stringify(r));
      return file;
    };
    expect(await refusal(() => merge([parts[0]!, parts[1]!, altered(2, (r) => (r.config.epochs = 2))], { out }))).toMatch(/altered-2.json has another config than .*shard-0-of-3.json \(they differ at 'epochs'\)/);
    expect(await refusal(() => merge([parts[0]!, parts[1]!, altered(2, (r) => (r.source.commit = 'abc1234'))], { out }))).toMatch(/altered-2.json ran commit abc1234, .*shard-0-of-3.json commit /);
    expect(await refusal(() => merge([parts[0]!, parts[1]!, altered(2, (r) => (r.shard.count = 4))], { out }))).toMatch(/is a shard of 4, .* of 3/);
    expect(await refusal(() => merge([join(dir, 'merged', 'kbfgs', 'result.json')], { out }))).toMatch(/is a full record \(result.json\), not a shard's part/);
  });

  it('an experiment that is not a grid of independent runs refuses --shard, before any work', async () => {
    await expect(reproduceShard('fp8', { index: 0, count: 2 }, { quick: true, out: dir })).rejects.toThrow(/fp8 is not a grid of independent runs, so it cannot be sharded; run it whole/);
  });

  it('--shard takes i/n with 0 ≤ i < n; the slices cover every cell once', () => {
    expect(shardOption('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '0/0', '-1/3', '1', 'a/b']) expect(() => shardOption(bad), bad).toThrow(InvalidArgumentError);
    const keys = Array.from({ length: 10 }, (_, i) => `cell ${i}`);
    const slices = [0, 1, 2].map((index) => shardKeys(keys, { index, count: 3 }));
    expect(slices.flat().sort()).toEqual([...keys].sort());
    expect(slices.map((s) => s.length)).toEqual([4, 3, 3]);
  });
});
