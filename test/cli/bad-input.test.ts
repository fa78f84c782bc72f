// The real command line (node bin/gradwgsl.mjs) on bad input: every case exits non-zero before
// any work, names the option or config key at fault, and prints no JavaScript stack. One short
// training run, interrupted with SIGINT, provides the checkpoint the damaged-checkpoint cases
// start from and checks that Ctrl-C saves it and exits 130.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/data/safetensors.js';

let dir: string;
/** A regular file, for output paths that try to go "under" it. */
let regularFile: string;

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--no-types'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'gradwgsl-bad-input-'));
  regularFile = join(dir, 'a-file.txt');
  writeFileSync(regularFile, 'not a folder');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Outcome {
  const r = spawnSync(process.execPath, ['bin/gradwgsl.mjs', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI until its stdout shows `ready`, then sends SIGINT (Ctrl-C) and waits for it to exit. */
function interruptOnce(ready: string, ...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/gradwgsl.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && stdout.includes(ready)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A failure the user can act on: non-zero exit, the culprit named on stderr, no stack trace. */
function expectRefusal(r: Outcome, ...named: (string | RegExp)[]): void {
  expect(r.status, r.stderr).not.toBe(0);
  expect(r.status, r.stderr).not.toBeNull();
  for (const n of named) {
    if (typeof n === 'string') expect(r.stderr).toContain(n);
    else expect(r.stderr).toMatch(n);
  }
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('reproduce --config', () => {
  it('refuses a file of malformed JSON, naming the file', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"mnist": {"batchSize": 64,');
    expectRefusal(cli('reproduce', 'fp8', '--quick', '--config', file), `--config file ${file} is not valid JSON`);
  });

  it('refuses an unknown key, and suggests the key a typo meant', () => {
    expectRefusal(cli('reproduce', 'fp8', '--config', '{"mnist":{"optimizer":"adam"}}'), "--config: unknown key 'optimizer' in mnist; the keys there are seeds, trainExamples, testExamples");
    expectRefusal(cli('reproduce', 'fp8', '--config', '{"mnist":{"high":{"epoch":2}}}'), "unknown key 'epoch' in mnist.high; did you mean 'epochs'?");
  });

  it('refuses a wrong type and an out-of-range value, naming the key path, the expectation and the value', () => {
    expectRefusal(cli('reproduce', 'fp8', '--config', '{"mnist":{"batchSize":"64"}}'), `--config: 'mnist.batchSize' must be an integer ≥ 1, not "64"`);
    expectRefusal(cli('reproduce', 'gce', '--config', '{"train":{"k":1.5}}'), `--config: 'train.k' must be a number in [0, 1], not 1.5`);
  });

  it('refuses an unknown experiment, and --out under a regular file, before running anything', () => {
    expectRefusal(cli('reproduce', 'fp9'), "unknown experiment 'fp9'; available: fp8, kbfgs");
    expectRefusal(cli('reproduce', 'fp8', '--quick', '--out', join(regularFile, 'runs')), `--out ${join(regularFile, 'runs', 'fp8')}: cannot create or write that folder (a part of that path is a file, not a folder)`);
  });

  it('merges a partial nested override over the profile', () => {
    const r = cli('reproduce', 'fp8', '--quick', '--config', '{"mnist":{"high":{"epochs":2}}}', '--print-config');
    expect(r.status, r.stderr).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.mnist.high).toEqual({ lr: 0.02, epochs: 2 });
    expect(config.mnist.low).toEqual({ lr: 0.002, epochs: 1 });
    expect(config.mnist.trainExamples).toBe(2000);
  });
});

describe('numeric options', () => {
  const cases: [string[], string, string][] = [
    [['train', 'mnist-mlp', '--seed', '-1'], "option '--seed <n>' argument '-1' is invalid", 'Expected an integer in [0, 1073741824]'],
    [['train', 'mnist-mlp', '--lr', 'abc'], "option '--lr <x>' argument 'abc' is invalid", 'Expected a number in (0, 10]'],
    [['train', 'mnist-mlp', '--epochs', '0'], "option '--epochs <n>' argument '0' is invalid", 'Expected an integer in [1, 1000000]'],
    [['train', 'mnist-mlp', '--momentum', '1'], "option '--momentum <x>' argument '1' is invalid", 'Expected a number in [0, 1)'],
    [['profile', 'mnist-mlp', '--warmup', '-1'], "option '--warmup <n>' argument '-1' is invalid", 'Expected an integer in [0, 1000000]'],
    [['train', 'mnist-mlp', '--optimizer', 'adamw'], "option '--optimizer <name>' argument 'adamw' is invalid", 'Allowed choices are sgd, adam, rmsprop'],
  ];
  for (const [args, named, range] of cases) {
    it(`${args.join(' ')}: names the option, the value and the range`, () => expectRefusal(cli(...args), named, range));
  }
});

describe('output paths', () => {
  it('--out and --checkpoint under a regular file fail before training starts', () => {
    for (const option of ['--out', '--checkpoint']) {
      const r = cli('train', 'mnist-mlp', option, join(regularFile, 'x.json'));
      expectRefusal(r, `${option} ${join(regularFile, 'x.json')}: cannot use that path (a part of that path is a file, not a folder)`);
      expect(r.stdout).not.toContain('epoch'); // no training line was printed
    }
    expectRefusal(cli('profile', 'mnist-mlp', '--out', join(regularFile, 't.json')), `--out ${join(regularFile, 't.json')}`);
  });
});

describe('checkpoints', () => {
  let checkpoint: string;
  let interrupted: Outcome;

  beforeAll(async () => {
    checkpoint = join(dir, 'mlp.safetensors');
    // Epochs far beyond what could finish: the run must end through the interrupt.
    interrupted = await interruptOnce('data:', 'train', 'mnist-mlp', '--epochs', '1000', '--lr', '0.05', '--checkpoint', checkpoint);
  }, 120_000);

  it('Ctrl-C saves the checkpoint and exits 130', () => {
    expect(interrupted.status, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('interrupted: saving a checkpoint after this step');
    expect(interrupted.stdout).toContain(`stopped early; resume with --resume (checkpoint ${checkpoint})`);
    expect(decodeSafetensors(readFileSync(checkpoint), 'test').metadata.position).toMatch(/^\{"epoch":0,"batch":\d+\}$/);
    expect(interrupted.stderr).not.toMatch(/^\s+at /m);
  });

  /** The interrupted run's checkpoint with `edit` applied, under a new name. */
  const damaged = (name: string, edit: (file: ReturnType<typeof decodeSafetensors>) => void) => {
    const file = decodeSafetensors(readFileSync(checkpoint), 'test');
    edit(file);
    const path = join(dir, name);
    writeFileSync(path, encodeSafetensors(file.arrays, file.metadata));
    return path;
  };

  it('refuses corrupt metadata, naming the file and the field', () => {
    const notJson = damaged('position.safetensors', (f) => (f.metadata.position = 'epoch 1'));
    expectRefusal(cli('train', 'mnist-mlp', '--resume', '--checkpoint', notJson), `checkpoint '${notJson}': metadata field 'position' is "epoch 1", expected JSON like`);
    const planStep = damaged('plan-step.safetensors', (f) => (f.metadata.planStep = 'abc'));
    expectRefusal(cli('train', 'mnist-mlp', '--resume', '--checkpoint', planStep), `checkpoint '${planStep}': metadata field 'planStep' is "abc", expected an integer >= 0`);
  });

  it('refuses NaN weights, naming the tensor', () => {
    const nan = damaged('nan.safetensors', (f) => (f.arrays['model.1.weight']!.data[5] = NaN));
    expectRefusal(cli('train', 'mnist-mlp', '--resume', '--checkpoint', nan), `checkpoint '${nan}': tensor 'model.1.weight' holds NaN at element 5`);
  });

  it('--resume --lr trains at the new rate and says it replaced the checkpoint\'s', async () => {
    const copy = damaged('resume.safetensors', () => {});
    const r = await interruptOnce('resumed from', 'train', 'mnist-mlp', '--epochs', '1000', '--resume', '--lr', '0.02', '--checkpoint', copy);
    expect(r.status, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/resumed from .* at epoch 1, step \d+; learning rate 0\.02 from --lr \(the checkpoint's was 0\.05\)/);
  }, 120_000);
});
