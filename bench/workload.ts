// What both engines are asked to do, and the interface each engine implements for the cases.
// Data is random but seeded and identical for both engines.

export const ENGINE_NAMES = ['gradwgsl', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type ModelKind = 'mlp' | 'cnn' | 'cifar-cnn';
export type OptimizerKind = 'sgd' | 'adam';

export interface TrainSpec {
  /**
   * mlp: 784-256-256-10 ReLU; cnn: conv 8 → pool → conv 16 → pool → linear (mnistCnn) on
   * 28×28×1; cifar-cnn: conv 32 → pool → conv 64 → pool → linear (cifarCnn) on 32×32×3.
   */
  model: ModelKind;
  optimizer: OptimizerKind;
  batch: number;
}

/** Plain SGD (no momentum) and Adam with default betas, in both engines. */
export const LEARNING_RATE: Record<OptimizerKind, number> = { sgd: 0.01, adam: 1e-3 };
export const CLASSES = 10;

/** Each model's input images: channels and side (MNIST 1×28×28, CIFAR-10 3×32×32). */
export const INPUT: Record<ModelKind, { channels: number; side: number }> = {
  mlp: { channels: 1, side: 28 },
  cnn: { channels: 1, side: 28 },
  'cifar-cnn': { channels: 3, side: 32 },
};

/** Values per example. */
export function pixels(model: ModelKind): number {
  const { channels, side } = INPUT[model];
  return channels * side * side;
}

export interface Batch {
  /**
   * batch × pixels(model) values in [0, 1): [B, 784] for the MLP, [B, C, H, W] for gradwgsl's
   * CNNs, read as [B, H, W, C] by tfjs's (the same random values; for one channel the same image).
   */
  x: Float32Array;
  labels: Uint32Array;
  /** The labels one-hot, for tfjs's softmaxCrossEntropy. */
  oneHot: Float32Array;
}

/** A training step: forward, backward, optimizer update, and the loss read back to the CPU. */
export interface Trainer {
  step(): Promise<number>;
  dispose(): void;
}

/** C = A·B on leaves uploaded once; run() computes C and reads it back. */
export interface Gemm {
  run(): Promise<Float32Array>;
  dispose(): void;
}

/**
 * `count` products C = A·B on leaves uploaded once, encoded back to back: submit() queues them
 * (one submit, nothing read back) and returns at once; the case waits for the queue.
 */
export interface ResidentGemm {
  submit(): void;
  dispose(): void;
}

export interface Engine {
  readonly name: EngineName;
  readonly device: GPUDevice;
  /** Builds the model and optimizer (and compiles, where the engine does) for this batch. */
  trainer(spec: TrainSpec, batch: Batch): Promise<Trainer>;
  gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array): Promise<Gemm>;
  /** null: the engine has no GEMM on `operands` of this type. */
  gemmResident(m: number, k: number, n: number, a: Float32Array, b: Float32Array, count: number, operands: 'f32' | 'f16'): Promise<ResidentGemm | null>;
  /** The engine's own memory counters (pool buffers, live tensors), for the leak check. */
  memory(): Record<string, number>;
}

/** Uniform values in [lo, hi) from a small LCG, so runs are repeatable. */
export function randomArray(n: number, seed: number, lo = 0, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

export function randomBatch(model: ModelKind, size: number, seed: number): Batch {
  const x = randomArray(size * pixels(model), seed);
  const labels = new Uint32Array(size);
  const oneHot = new Float32Array(size * CLASSES);
  randomArray(size, seed + 1).forEach((u, i) => {
    labels[i] = Math.min(CLASSES - 1, Math.floor(u * CLASSES));
    oneHot[i * CLASSES + labels[i]!] = 1;
  });
  return { x, labels, oneHot };
}
