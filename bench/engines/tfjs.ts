// TensorFlow.js 4.22's WebGPU backend as a bench engine, on the Dawn instance of the shim.
// The models mirror gradwgsl's with tfjs's best tools: fused matMul/conv2d with bias and ReLU,
// optimizer.minimize, and `await data()` for readback (dataSync needs OffscreenCanvas, which
// Node lacks). The CNNs run NHWC, tfjs's layout; with one channel its input bytes equal NCHW's.
import type * as TF from '@tensorflow/tfjs';
import { CLASSES, INPUT, LEARNING_RATE, pixels, type Batch, type Engine, type Gemm, type ResidentGemm, type TrainSpec, type Trainer } from '../workload.js';

type Tf = typeof TF;

/** Imports tfjs (its union package also registers the gradients) and selects WebGPU. */
export async function tfjsEngine(): Promise<Engine> {
  const tf: Tf = await import('@tensorflow/tfjs');
  // Evaluated only now, after the shim put navigator.gpu in place: it registers 'webgpu' then.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('bench: tfjs could not start its WebGPU backend');
  await tf.ready();
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  return {
    name: 'tfjs',
    device,
    trainer: async (spec, batch) => tfjsTrainer(tf, spec, batch),
    async gemm(m, k, n, aData, bData): Promise<Gemm> {
      const a = tf.tensor2d(aData, [m, k]);
      const b = tf.tensor2d(bData, [k, n]);
      return {
        async run() {
          const c = tf.matMul(a, b);
          const values = (await c.data()) as Float32Array;
          c.dispose();
          return values;
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
    // tfjs's WebGPU backend has no f16 tensors. It records dispatches into one command
    // encoder and submits every WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (15) of them, or on
    // submitQueue(): up to 15 one-dispatch products go in one submit, as gradwgsl's do.
    async gemmResident(m, k, n, aData, bData, count, operands): Promise<ResidentGemm | null> {
      if (operands === 'f16') return null;
      const a = tf.tensor2d(aData, [m, k]);
      const b = tf.tensor2d(bData, [k, n]);
      const backend = tf.backend() as unknown as { ensureCommandEncoderReady(): void; endComputePassEncoder(): void; submitQueue(): void };
      return {
        submit() {
          for (let i = 0; i < count; i++) tf.matMul(a, b).dispose();
          // What tfjs itself does before a copy: close the pass and submit what is recorded.
          backend.ensureCommandEncoderReady();
          backend.endComputePassEncoder();
          backend.submitQueue();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
    memory: () => ({ liveTensors: tf.memory().numTensors }),
  };
}

/** He-normal weights and zero biases, like gradwgsl's default init. */
function variables(tf: Tf, shapes: Record<string, number[]>): Record<string, TF.Variable> {
  let seed = 1;
  return Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => {
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const init = shape.length === 1 ? tf.zeros(shape) : tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++);
      return [name, tf.variable(init, true)];
    }),
  );
}

function model(tf: Tf, spec: TrainSpec): { params: Record<string, TF.Variable>; forward(x: TF.Tensor): TF.Tensor } {
  if (spec.model === 'mlp') {
    const p = variables(tf, { w1: [784, 256], b1: [256], w2: [256, 256], b2: [256], w3: [256, CLASSES], b3: [CLASSES] });
    return {
      params: p,
      forward: (x) => {
        const h1 = tf.fused.matMul({ a: x as TF.Tensor2D, b: p.w1!, bias: p.b1, activation: 'relu' });
        const h2 = tf.fused.matMul({ a: h1, b: p.w2!, bias: p.b2, activation: 'relu' });
        return tf.fused.matMul({ a: h2, b: p.w3!, bias: p.b3 });
      },
    };
  }
  // Both CNNs: conv 3×3 'same' → ReLU → max pool 2 → conv 3×3 'same' → ReLU → max pool 2 → linear.
  const { channels, side } = INPUT[spec.model];
  const [c1, c2] = spec.model === 'cnn' ? [8, 16] : [32, 64];
  const flat = c2 * (side / 4) ** 2;
  const p = variables(tf, { f1: [3, 3, channels, c1], c1: [c1], f2: [3, 3, c1, c2], c2: [c2], w: [flat, CLASSES], b: [CLASSES] });
  return {
    params: p,
    forward: (x) => {
      const conv = (h: TF.Tensor4D, filter: TF.Variable, bias: TF.Variable) =>
        tf.maxPool(tf.fused.conv2d({ x: h, filter: filter as TF.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' }), 2, 2, 'valid');
      const h = conv(conv(x as TF.Tensor4D, p.f1!, p.c1!), p.f2!, p.c2!);
      return tf.fused.matMul({ a: tf.reshape(h, [spec.batch, flat]), b: p.w!, bias: p.b });
    },
  };
}

function tfjsTrainer(tf: Tf, spec: TrainSpec, batch: Batch): Trainer {
  const { params, forward } = model(tf, spec);
  const lr = LEARNING_RATE[spec.optimizer];
  const optimizer = spec.optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr);
  const { channels, side } = INPUT[spec.model];
  const xShape = spec.model === 'mlp' ? [spec.batch, pixels('mlp')] : [spec.batch, side, side, channels];
  return {
    async step() {
      // Fresh input tensors each step, as gradwgsl writes its feeds each step.
      const x = tf.tensor(batch.x, xShape);
      const y = tf.tensor2d(batch.oneHot, [spec.batch, CLASSES]);
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as TF.Scalar, true)!;
      const loss = (await cost.data())[0]!;
      tf.dispose([x, y, cost]);
      return loss;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(Object.values(params));
    },
  };
}
