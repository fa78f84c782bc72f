// How a lowered op's request (src/device/dispatch.ts) becomes a pipeline + bind group: limits,
// the uniforms and fault buffer the executor supplies. Eager execution and compiled plans share
// this code; only buffer ownership differs.
import type { DispatchSpec } from '../device/dispatch.js';
import { fail } from '../device/errors.js';
import type { Gpu } from '../device/gpu.js';
import { packUniforms, type UniformValue } from '../device/uniforms.js';
import { FAULTS_BINDING, FAULT_SITE } from './faults.js';

export interface PreparedDispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
}

export const UNIFORM_ALIGN = 256;

export function workgroupCounts(spec: DispatchSpec): [number, number, number] {
  const w = spec.workgroups;
  return typeof w === 'number' ? [w, 1, 1] : [w[0], w[1] ?? 1, w[2] ?? 1];
}

/** Checks the request against the device's limits before WebGPU sees it, naming the kernel. */
export function validateDispatch(gpu: Gpu, spec: DispatchSpec, label: string): void {
  const max = gpu.limits.maxComputeWorkgroupsPerDimension;
  for (const n of workgroupCounts(spec)) {
    if (!Number.isInteger(n) || n < 1) fail(`${label}: workgroup count ${n} is invalid (zero-size dispatch?)`);
    if (n > max) {
      fail(`${label}: ${n} workgroups in one dimension exceeds this device's limit of ${max}; split the work or use a 2-D grid`);
    }
  }
  const maxBinding = gpu.limits.maxStorageBufferBindingSize;
  for (const b of spec.kernel.storage) {
    if (b.name === FAULTS_BINDING) continue;
    const ref = spec.bind[b.name];
    if (!ref) fail(`${label}: buffer '${b.name}' was not bound`);
    if (ref.size > maxBinding) {
      fail(`${label}: buffer '${b.name}' is ${ref.size} bytes, over this device's binding limit of ${maxBinding}`);
    }
  }
  for (const name of Object.keys(spec.bind)) {
    if (!spec.kernel.storage.some((b) => b.name === name)) fail(`${label}: the shader has no buffer '${name}'`);
  }
}

/** Values the executor supplies: the step count random kernels mix in, the dispatch's fault site. */
export interface ExecutorUniforms {
  rngStep: number;
  faultSite: number;
}

/** Fills `rng_step` and `fault_site` where the kernel has them and the op left them to the executor. */
export function uniformValues(spec: DispatchSpec, auto: ExecutorUniforms): Record<string, UniformValue> {
  const values = { ...(spec.uniforms ?? {}) };
  const has = (name: string) => spec.kernel.uniform?.members.some((m) => m.name === name) && values[name] === undefined;
  if (has('rng_step')) values.rng_step = auto.rngStep;
  if (has(FAULT_SITE)) values[FAULT_SITE] = auto.faultSite;
  return values;
}

export function writeUniforms(spec: DispatchSpec, auto: ExecutorUniforms, target: DataView, base: number, label: string): void {
  const layout = spec.kernel.uniform;
  if (!layout) {
    if (spec.uniforms && Object.keys(spec.uniforms).length) fail(`${label}: the shader has no uniforms`);
    return;
  }
  packUniforms(layout, uniformValues(spec, auto), target, base, label);
}

/** Whether the kernel reports faults, so the executor binds its fault buffer. */
export function usesFaults(spec: DispatchSpec): boolean {
  return spec.kernel.storage.some((b) => b.name === FAULTS_BINDING);
}

export function createBindGroup(
  gpu: Gpu,
  spec: DispatchSpec,
  uniform: { buffer: GPUBuffer; offset: number } | null,
  faults: GPUBuffer,
  label: string,
): GPUBindGroup {
  const k = spec.kernel;
  const entries: GPUBindGroupEntry[] = k.storage.map((b) => {
    if (b.name === FAULTS_BINDING) return { binding: b.binding, resource: { buffer: faults } };
    const ref = spec.bind[b.name]!;
    return { binding: b.binding, resource: { buffer: ref.buffer, offset: ref.offset ?? 0, size: ref.size } };
  });
  if (k.uniform && uniform) {
    entries.push({
      binding: k.uniform.binding,
      resource: { buffer: uniform.buffer, offset: uniform.offset, size: k.uniform.size },
    });
  }
  return gpu.device.createBindGroup({ label, layout: k.bindGroupLayout(gpu), entries });
}

export function encodeDispatches(pass: GPUComputePassEncoder, list: readonly PreparedDispatch[]): void {
  for (const d of list) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}
