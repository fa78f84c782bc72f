// `gradwgsl train mnist-mlp`: the main job until the paper experiments take over.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ClassifierTrainer, fail, init, makeOptimizer, mnistMlp, type EpochRecord } from 'gradwgsl';
import { checkpointFile, loadMnist } from 'gradwgsl/node';
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

export async function trainMnistMlp(opts: TrainCliOptions) {
  const rt = await init();
  const data = await loadMnist();
  const model = mnistMlp(opts.seed);
  const optimizer = makeOptimizer(opts.optimizer, model.parameters(), opts.lr, opts.momentum);
  const trainer = new ClassifierTrainer(model, optimizer);
  const bar = progressBar(!opts.json);
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    console.error('\ninterrupted: saving a checkpoint after this step (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  if (!opts.json) {
    console.log(`gradwgsl: MNIST MLP 784-256-256-10 on ${rt.gpu.adapter.description || rt.gpu.adapter.architecture}`);
    console.log(`data: ${data.train.n} training / ${data.test.n} held-out digits (embedded, fixed split); ${opts.optimizer}, batch ${opts.batch}, ${opts.epochs} epochs, seed ${opts.seed}`);
  }
  mkdirSync(dirname(opts.checkpoint), { recursive: true });
  try {
    const result = await trainer.fit(data.train, data.test, {
      epochs: opts.epochs,
      batchSize: opts.batch,
      seed: opts.seed,
      checkpoint: checkpointFile(opts.checkpoint),
      resume: opts.resume,
      signal: abort.signal,
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
      config: opts,
      resumedFrom: result.resumedFrom,
      interrupted: result.interrupted,
      epochs: result.epochs,
      testAccuracy: last?.testAccuracy ?? null,
      checkpoint: opts.checkpoint,
    };
    if (opts.out) {
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, JSON.stringify(summary, null, 2));
    }
    if (opts.json) console.log(JSON.stringify(summary));
    else if (result.interrupted) console.log(`stopped early; resume with --resume (checkpoint ${opts.checkpoint})`);
    else if (last) console.log(`test accuracy ${(100 * last.testAccuracy).toFixed(2)}% on ${data.test.n} held-out digits; checkpoint ${opts.checkpoint}`);
    else console.log(`nothing to do: the checkpoint already holds ${opts.epochs} epochs (raise --epochs to continue)`);
    return summary;
  } finally {
    process.off('SIGINT', onSigint);
    trainer.dispose();
  }
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`expected a positive integer, got '${v}'`);
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`expected a non-negative number, got '${v}'`);
  return n;
};

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model on the embedded MNIST digits')
    .argument('<model>', 'model to train: mnist-mlp')
    .option('--epochs <n>', 'epochs', int, 5)
    .option('--batch <n>', 'batch size', int, 128)
    .option('--lr <x>', 'learning rate (default: sgd 0.1, adam/rmsprop 1e-3)', num)
    .option('--optimizer <name>', 'sgd | adam | rmsprop', 'sgd')
    .option('--momentum <x>', 'SGD momentum', num, 0.9)
    .option('--seed <n>', 'seed for initialisation and data order', (v) => Number(v), 1)
    .option('--checkpoint <path>', 'checkpoint file (written every epoch and on Ctrl-C)', 'runs/mnist-mlp/checkpoint.safetensors')
    .option('--resume', 'continue from the checkpoint if it exists')
    .option('--out <path>', 'also write the results as JSON to this file')
    .option('--json', 'print one JSON object instead of text')
    .action(async (model: string, opts: TrainCliOptions) => {
      if (model !== 'mnist-mlp') fail(`unknown model '${model}'; available: mnist-mlp`);
      await trainMnistMlp(opts);
    });
}
