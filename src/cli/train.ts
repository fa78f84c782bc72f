// `gradwgsl train mnist-mlp`: the main job until the paper experiments take over.
import { Option, type Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import { ClassifierTrainer, fail, init, makeOptimizer, mnistMlp, type EpochRecord } from 'gradwgsl';
import { MAX_SEED } from 'gradwgsl/experiments';
import { checkpointFile, loadMnist } from 'gradwgsl/node';
import { learningRate, momentumOption, positiveCount, seedOption } from './options.js';
import { prepareOutputFile, saveOutputs, type SavedOutputs } from './output-paths.js';
import { progressBar } from './progress.js';

export interface TrainCliOptions {
  epochs: number;
  batch: number;
  lr?: number;
  optimizer: 'sgd' | 'adam' | 'rmsprop';
  momentum: number;
  seed: number;
  checkpoint: string;
  resume?: boolean;
  json?: boolean;
  out?: string;
}

function formatEpoch(r: EpochRecord): string {
  return `epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, train acc ${(100 * r.trainAccuracy).toFixed(2)}%, ` +
    `test loss ${r.testLoss.toFixed(4)}, test acc ${(100 * r.testAccuracy).toFixed(2)}% (${r.seconds.toFixed(1)} s)`;
}

/** Exit status after Ctrl-C, as shells expect (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

export async function trainMnistMlp(opts: TrainCliOptions) {
  // Both outputs are checked (folders created) before anything runs: a bad path fails at once.
  prepareOutputFile('--checkpoint', opts.checkpoint);
  if (opts.out) prepareOutputFile('--out', opts.out);
  const rt = await init();
  const data = await loadMnist();
  const model = mnistMlp(opts.seed);
  const optimizer = makeOptimizer(opts.optimizer, model.parameters(), opts.lr, opts.momentum);
  const trainer = new ClassifierTrainer(model, optimizer);
  const bar = progressBar(!opts.json);
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    console.error('\ninterrupted: saving a checkpoint after this step (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  if (!opts.json) {
    console.log(`gradwgsl: MNIST MLP 784-256-256-10 on ${rt.gpu.adapter.description || rt.gpu.adapter.architecture}`);
    console.log(`data: ${data.train.n} training / ${data.test.n} held-out digits (embedded, fixed split); ${opts.optimizer}, batch ${opts.batch}, ${opts.epochs} epochs, seed ${opts.seed}`);
  }
  try {
    const result = await trainer.fit(data.train, data.test, {
      epochs: opts.epochs,
      batchSize: opts.batch,
      seed: opts.seed,
      lr: opts.lr,
      checkpoint: checkpointFile(opts.checkpoint),
      resume: opts.resume,
      signal: abort.signal,
      onResume: (from) => {
        if (opts.json) return;
        const rate = opts.lr === undefined || Math.fround(opts.lr) === from.lr
          ? `learning rate ${rounded(from.lr)}`
          : `learning rate ${opts.lr} from --lr (the checkpoint's was ${rounded(from.lr)})`;
        console.log(`resumed from ${opts.checkpoint} at epoch ${from.epoch + 1}, step ${from.batch}; ${rate}`);
      },
      onStep: ({ epoch, batch, batches, loss }) => {
        if (batch === 1 || (batch <= 1 && epoch > 0)) bar.start(batches, `epoch ${epoch + 1}/${opts.epochs}`);
        bar.update(batch, { loss: loss.toFixed(4) });
      },
      onEpoch: (r) => {
        bar.stop();
        if (!opts.json) console.log(formatEpoch(r));
      },
    });
    bar.stop();
    const last = result.epochs.at(-1);
    const summary = {
      job: 'train mnist-mlp',
      device: rt.gpu.adapter,
      // The learning rate the run used: --lr, else the checkpoint's when resuming, else the default.
      config: { ...opts, lr: opts.lr ?? rounded(optimizer.lr) },
      resumedFrom: result.resumedFrom && { ...result.resumedFrom, lr: rounded(result.resumedFrom.lr) },
      interrupted: result.interrupted,
      epochs: result.epochs,
      testAccuracy: last?.testAccuracy ?? null,
      checkpoint: opts.checkpoint,
    };
    if (opts.out) writeSummary(opts.out, summary);
    if (opts.json) console.log(JSON.stringify(summary));
    else if (result.interrupted) console.log(`stopped early; resume with --resume (checkpoint ${opts.checkpoint})`);
    else if (last) console.log(`test accuracy ${(100 * last.testAccuracy).toFixed(2)}% on ${data.test.n} held-out digits; checkpoint ${opts.checkpoint}`);
    else console.log(`nothing to do: the checkpoint already holds ${opts.epochs} epochs (raise --epochs to continue)`);
    if (result.interrupted) process.exitCode = INTERRUPTED_EXIT_CODE;
    return summary;
  } finally {
    process.off('SIGINT', onSigint);
    trainer.dispose();
  }
}

/** A learning rate read back from the GPU's f32, printed without float noise (0.1, not 0.10000000149). */
function rounded(lr: number): number {
  return Number(lr.toPrecision(7));
}

/** Writes --out; if that fails after the run, the summary goes to a temporary file and stdout, and the exit status says so. */
function writeSummary(out: string, summary: object): void {
  const text = JSON.stringify(summary, null, 2);
  let saved: SavedOutputs;
  try {
    saved = saveOutputs(dirname(out), { [basename(out)]: text });
  } catch (e) {
    console.log(text);
    fail(`--out ${out}: the run finished but its summary could not be written there nor to a temporary folder (${(e as Error).message}); it is printed above`);
  }
  if (saved.failure) {
    console.error(`gradwgsl: --out ${out}: the run finished, but ${saved.failure}; the summary was saved to ${join(saved.dir, basename(out))} instead`);
    process.exitCode = 1;
  }
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model on the embedded MNIST digits')
    .argument('<model>', 'model to train: mnist-mlp')
    .option('--epochs <n>', 'epochs, 1 to 1000000', positiveCount, 5)
    .option('--batch <n>', 'batch size, 1 to 1000000 (at most the 8,000 training digits)', positiveCount, 128)
    .option('--lr <x>', 'learning rate in (0, 10] (default: sgd 0.1, adam/rmsprop 1e-3). With --resume the checkpoint\'s rate is kept unless --lr is given: then the run continues at --lr, says so, and records it', learningRate)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam', 'rmsprop']).default('sgd'))
    .option('--momentum <x>', 'SGD momentum in [0, 1)', momentumOption, 0.9)
    .option('--seed <n>', `seed for initialisation and data order, 0 to ${MAX_SEED}`, seedOption, 1)
    .option('--checkpoint <path>', 'checkpoint file (written every epoch and on Ctrl-C, which then exits with status 130)', 'runs/mnist-mlp/checkpoint.safetensors')
    .option('--resume', 'continue from the checkpoint if it exists (same --seed and --batch; see --lr)')
    .option('--out <path>', 'also write the results as JSON to this file')
    .option('--json', 'print one JSON object instead of text')
    .action(async (model: string, opts: TrainCliOptions) => {
      if (model !== 'mnist-mlp') fail(`unknown model '${model}'; available: mnist-mlp`);
      await trainMnistMlp(opts);
    });
}
