// Where gradwgsl's time to first step goes: the bench's first-step workload (MLP 784-256-256-10,
// SGD, batch 128: build, compile, one step with the loss read back) in new processes, split into
// phases, with the WebGPU calls that take the time inside them timed by wrapping Dawn's methods.
//
//   node scripts/run-ts.mjs bench/profile-first-step.ts [--runs N] [--optimizer sgd|adam]
//
// Each run is a new process (like the bench's first-step-process case). The first run has empty
// caches (Mesa's shader cache and gradwgsl's kernel reflections, in a new folder); then N times
// each, alternating, warm caches as the earlier runs left them ("warm"), and the same without the
// kernel-reflection cache ("no refl."). Prints one table; times are wall-clock milliseconds:
// on a loaded machine compare them only within one invocation.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARKER = 'FIRST_STEP_PROFILE ';

/** Phases in order: each a span of the child's wall clock. */
const PHASES = {
  import: 'import the engine',
  device: 'init(): adapter and device',
  model: 'build the MLP (eager init kernels)',
  optimizer: 'build the optimizer',
  trace: 'compile(): trace and autograd',
  lower: 'compile(): lower, pipelines asked for',
  pipelines: 'compile(): waiting for the last pipelines',
  bindings: 'compile(): bind groups, uniforms',
  firstRun: 'first step.run (submit, execute, read back)',
} as const;
type Phase = keyof typeof PHASES;

/** Time spent inside the wrapped calls, summed over the whole run. */
interface Inside {
  reflectMs: number;
  reflections: number;
  shaderModuleMs: number;
  shaderModules: number;
  syncPipelineMs: number;
  syncPipelines: number;
  asyncPipelines: number;
  /** Sum over async pipelines of call → resolution (overlap counted once per pipeline). */
  asyncPipelineMs: number;
}

interface Profile {
  phases: Record<Phase, number>;
  inside: Inside;
  /** A second step, for comparison: what the first one costs beyond steady state. */
  secondRunMs: number;
  totalMs: number;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

function timeMethod(proto: object, name: string, onDone: (ms: number) => void): void {
  const target = proto as Record<string, Method>;
  const original = target[name]!;
  target[name] = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    const result = original.apply(this, args);
    if (result instanceof Promise) void result.then(() => onDone(performance.now() - t), () => undefined);
    else onDone(performance.now() - t);
    return result;
  };
}

async function child(optimizerName: string, reflectionCache: boolean): Promise<Profile> {
  const start = performance.now();
  const inside: Inside = { reflectMs: 0, reflections: 0, shaderModuleMs: 0, shaderModules: 0, syncPipelineMs: 0, syncPipelines: 0, asyncPipelines: 0, asyncPipelineMs: 0 };
  const { globals } = await import('webgpu');
  const g = globals as unknown as Record<string, { prototype: object }>;
  timeMethod(g.GPUDevice!.prototype, 'createShaderModule', (ms) => ((inside.shaderModuleMs += ms), inside.shaderModules++));
  timeMethod(g.GPUDevice!.prototype, 'createComputePipeline', (ms) => ((inside.syncPipelineMs += ms), inside.syncPipelines++));
  timeMethod(g.GPUDevice!.prototype, 'createComputePipelineAsync', (ms) => ((inside.asyncPipelineMs += ms), inside.asyncPipelines++));
  const { WgslReflect } = await import('wgsl_reflect/wgsl_reflect.module.js');
  timeMethod(WgslReflect.prototype, 'update', (ms) => ((inside.reflectMs += ms), inside.reflections++));

  const { init, runtime } = await import('../src/graph/runtime.js');
  const { compile } = await import('../src/graph/compile.js');
  const { Plan } = await import('../src/graph/plan.js');
  const { softmaxCrossEntropy } = await import('../src/kernels/loss/cross-entropy.js');
  const { mnistMlp } = await import('../src/nn/models.js');
  const { SGD } = await import('../src/optim/sgd.js');
  const { Adam } = await import('../src/optim/adam.js');
  const { randomBatch, LEARNING_RATE } = await import('./workload.js');
  const { cacheKernelReflections } = await import('../src/node/reflection-store.js');
  if (reflectionCache) cacheKernelReflections();

  const phases = {} as Record<Phase, number>;
  let mark = performance.now();
  phases.import = mark - start;
  const lap = (phase: Phase) => {
    const now = performance.now();
    phases[phase] = (phases[phase] ?? 0) + now - mark;
    mark = now;
  };

  // Plan.build's own phases: pipelines are asked for while lowering goes on (each compiles on
  // Dawn's workers from then), so lowering ends at the last request, the wait for pipelines when
  // the last one resolved, bindings when build returns.
  const build = Plan.build.bind(Plan);
  Plan.build = async (...args: Parameters<typeof Plan.build>) => {
    lap('trace');
    let lastAsk = 0;
    let lastDone = 0;
    const proto = g.GPUDevice!.prototype as Record<string, Method>;
    const original = proto.createComputePipelineAsync!;
    proto.createComputePipelineAsync = function (this: unknown, ...a: unknown[]) {
      lastAsk = performance.now();
      const p = original.apply(this, a) as Promise<unknown>;
      void p.then(() => (lastDone = performance.now()), () => undefined);
      return p;
    };
    try {
      const plan = await build(...args);
      const end = performance.now();
      if (lastAsk) {
        phases.lower = lastAsk - mark;
        phases.pipelines = Math.max(0, lastDone - lastAsk);
        phases.bindings = end - Math.max(lastAsk, lastDone);
      } else {
        phases.lower = end - mark; // every pipeline existed already
        phases.pipelines = 0;
        phases.bindings = 0;
      }
      mark = end;
      return plan;
    } finally {
      proto.createComputePipelineAsync = original;
    }
  };

  await init();
  const rt = runtime();
  lap('device');
  const model = mnistMlp(1);
  await rt.sync();
  lap('model');
  const lr = LEARNING_RATE[optimizerName === 'adam' ? 'adam' : 'sgd'];
  const opt = optimizerName === 'adam' ? new Adam(model.parameters(), { lr }) : new SGD(model.parameters(), { lr });
  await rt.sync();
  lap('optimizer');
  const batch = randomBatch('mlp', 128, 7);
  const step = await compile({ x: { shape: [128, 784] }, y: { shape: [128], dtype: 'u32' } }, ({ x, y }) => {
    const loss = softmaxCrossEntropy(model.forward(x!), y!);
    loss.backward();
    opt.step();
    return { loss };
  });
  const feeds = { x: batch.x, y: batch.labels };
  await step.run(feeds, { read: ['loss'] });
  lap('firstRun');
  const totalMs = mark - start;
  const t = performance.now();
  await step.run(feeds, { read: ['loss'] });
  return { phases, inside, secondRunMs: performance.now() - t, totalMs };
}

function table(runs: { label: string; p: Profile }[]): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (v: number) => v.toFixed(0).padStart(12);
  const head = `${pad('phase (ms)', 46)}${runs.map((r) => r.label.padStart(12)).join('')}`;
  const lines = [head, '-'.repeat(head.length)];
  for (const [k, what] of Object.entries(PHASES)) lines.push(`${pad(what, 46)}${runs.map((r) => num(r.p.phases[k as Phase] ?? 0)).join('')}`);
  lines.push(`${pad('total to first loss (incl. import)', 46)}${runs.map((r) => num(r.p.totalMs)).join('')}`);
  lines.push(`${pad('  a second step.run, for comparison', 46)}${runs.map((r) => num(r.p.secondRunMs)).join('')}`);
  lines.push('inside those phases:');
  const row = (what: string, f: (i: Inside) => string) => lines.push(`${pad(`  ${what}`, 46)}${runs.map((r) => f(r.p.inside).padStart(12)).join('')}`);
  row('WGSL reflection (wgsl_reflect) ms', (i) => i.reflectMs.toFixed(0));
  row('  kernels reflected', (i) => String(i.reflections));
  row('createShaderModule ms', (i) => i.shaderModuleMs.toFixed(0));
  row('  modules', (i) => String(i.shaderModules));
  row('createComputePipeline (sync, eager) ms', (i) => i.syncPipelineMs.toFixed(0));
  row('  pipelines', (i) => String(i.syncPipelines));
  row('createComputePipelineAsync, summed ms', (i) => i.asyncPipelineMs.toFixed(0));
  row('  pipelines', (i) => String(i.asyncPipelines));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const optimizer = opt('--optimizer', 'sgd');
  if (argv.includes('--child')) {
    console.log(MARKER + JSON.stringify(await child(optimizer, !argv.includes('--no-reflection-cache'))));
    process.exit(0);
  }
  const runs = Math.max(1, Number(opt('--runs', '3')));
  const once = (cacheDir: string | null, reflectionCache = true): Profile => {
    const env = cacheDir ? { ...process.env, MESA_SHADER_CACHE_DIR: cacheDir, __GL_SHADER_DISK_CACHE_PATH: cacheDir, GRADWGSL_CACHE_DIR: cacheDir } : process.env;
    const args = [...process.execArgv, process.argv[1]!, '--child', '--optimizer', optimizer, ...(reflectionCache ? [] : ['--no-reflection-cache'])];
    const out = execFileSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 16 << 20 });
    const line = out.split('\n').find((l) => l.startsWith(MARKER));
    if (!line) throw new Error(`profile-first-step: the child printed no result:\n${out.slice(-2000)}`);
    return JSON.parse(line.slice(MARKER.length)) as Profile;
  };
  const results: { label: string; p: Profile }[] = [];
  const empty = mkdtempSync(join(tmpdir(), 'gradwgsl-first-step-'));
  try {
    results.push({ label: 'cold', p: once(empty) });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  for (let i = 0; i < runs; i++) {
    results.push({ label: `warm ${i + 1}`, p: once(null) });
    results.push({ label: `no refl. ${i + 1}`, p: once(null, false) });
  }
  console.log(`gradwgsl time to first step, MLP ${optimizer}, batch 128, new processes (${new Date().toISOString()})\n`);
  console.log(table(results));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
