// The public API of gradwgsl.
export { GradwgslError, GpuError, DeviceLostError } from './device/errors.js';
export { requestGpu, Gpu, type DeviceOptions, type AdapterSummary, type OptionalFeature } from './device/gpu.js';
export { init, runtime, shutdown, Runtime } from './graph/runtime.js';
export { compile, CompiledStep, type InputSpec, type Feeds } from './graph/compile.js';
export { noGrad } from './graph/autograd.js';
export type { OpDef, LowerCtx } from './graph/op.js';
export { Kernel, type KernelSpec } from './kernels/kernel.js';
export { Tensor, apply } from './tensor/tensor.js';
export { tensor, zeros, full } from './tensor/create.js';
export type { DType } from './tensor/dtype.js';
export * from './kernels/elementwise/binary.js';
export * from './kernels/elementwise/unary.js';
export { fill } from './kernels/elementwise/fill.js';
export { sum, mean, max, min, sumAll, meanAll, sumTo } from './kernels/reduce/reduce.js';
export { reshape } from './kernels/shape/reshape.js';
export { broadcastTo } from './kernels/shape/broadcast.js';
