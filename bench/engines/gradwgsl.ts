// gradwgsl as a bench engine: training steps and GEMMs are compiled plans (one command buffer,
// one submit per call, the read-back copy inside it), the engine's intended fast path.
import { compile } from '../../src/graph/compile.js';
import { init, runtime } from '../../src/graph/runtime.js';
import { cacheKernelReflections } from '../../src/node/reflection-store.js';
import { cast } from '../../src/kernels/elementwise/cast.js';
import { matmul } from '../../src/kernels/gemm/matmul.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { cifarCnn, mnistCnn, mnistMlp } from '../../src/nn/models.js';
import { Adam } from '../../src/optim/adam.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { INPUT, LEARNING_RATE, pixels, type Batch, type Engine, type Gemm, type ResidentGemm, type TrainSpec, type Trainer } from '../workload.js';

const SEED = 1;

export async function gradwgslEngine(): Promise<Engine> {
  // As the CLI does: kernel reflections from earlier processes (a child with an empty driver
  // cache gets an empty GRADWGSL_CACHE_DIR too).
  cacheKernelReflections();
  const rt = await init();
  return {
    name: 'gradwgsl',
    device: rt.gpu.device,

    async trainer(spec: TrainSpec, batch: Batch): Promise<Trainer> {
      const model = { mlp: mnistMlp, cnn: mnistCnn, 'cifar-cnn': cifarCnn }[spec.model](SEED);
      const lr = LEARNING_RATE[spec.optimizer];
      const optimizer: Optimizer = spec.optimizer === 'sgd' ? new SGD(model.parameters(), { lr }) : new Adam(model.parameters(), { lr });
      const { channels, side } = INPUT[spec.model];
      const xShape = spec.model === 'mlp' ? [spec.batch, pixels('mlp')] : [spec.batch, channels, side, side];
      const step = await compile({ x: { shape: xShape }, y: { shape: [spec.batch], dtype: 'u32' } }, ({ x, y }) => {
        const loss = softmaxCrossEntropy(model.forward(x!), y!);
        loss.backward();
        optimizer.step();
        return { loss };
      });
      return {
        async step() {
          const out = await step.run({ x: batch.x, y: batch.labels }, { read: ['loss'] });
          return out.loss![0]!;
        },
        dispose() {
          step.dispose();
          optimizer.dispose();
          model.dispose();
        },
      };
    },

    async gemm(m: number, k: number, n: number, aData: Float32Array, bData: Float32Array): Promise<Gemm> {
      const a = rt.keep(tensor(aData, [m, k]));
      const b = rt.keep(tensor(bData, [k, n]));
      const step = await compile({}, () => ({ c: matmul(a, b) }));
      return {
        async run() {
          return (await step.run({}, { read: ['c'] })).c as Float32Array;
        },
        dispose() {
          step.dispose();
          a.dispose();
          b.dispose();
        },
      };
    },

    async gemmResident(m, k, n, aData, bData, count, operands): Promise<ResidentGemm | null> {
      if (operands === 'f16' && !rt.gpu.has('shader-f16')) return null;
      const leaf = (data: Float32Array, shape: number[]) => (operands === 'f16' ? cast(tensor(data, shape), 'f16') : tensor(data, shape));
      const a = leaf(aData, [m, k]);
      const b = leaf(bData, [k, n]);
      const step = await compile({ a: { shape: [m, k], dtype: operands }, b: { shape: [k, n], dtype: operands } }, (x) => ({ c: matmul(x.a!, x.b!) }));
      // One run copies a and b into the step's input buffers, where they stay for submit().
      await step.run({ a, b });
      a.dispose();
      b.dispose();
      return {
        submit() {
          // The compiled step's dispatches, `count` times in one command buffer.
          const encoder = rt.gpu.device.createCommandEncoder({ label: 'bench/gemm-resident' });
          for (let i = 0; i < count; i++) step.plan.encode(encoder);
          rt.gpu.device.queue.submit([encoder.finish()]);
        },
        dispose: () => step.dispose(),
      };
    },

    memory() {
      const s = runtime().stats();
      return { poolBuffersLive: s.live, poolBuffersInUse: s.inUse };
    },
  };
}
