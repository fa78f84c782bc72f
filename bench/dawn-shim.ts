// One Dawn instance for both engines. tfjs's WebGPU backend registers itself at import time
// only if `navigator.gpu` exists, and reads GPUBufferUsage & co. as globals; gradwgsl's init()
// also takes `navigator.gpu` when present. So the shim runs before either engine starts, and
// both then request their adapter from the same GPU object.
import { create, globals } from 'webgpu';
import { instrumentDawn } from './instrument.js';

let installed = false;

export function installDawnShim(): void {
  if (installed) return;
  installed = true;
  // Dawn's Vulkan loader wants a runtime dir; headless machines often have none.
  process.env.XDG_RUNTIME_DIR ||= '/tmp';
  const g = globals as Record<string, { prototype: object }>;
  instrumentDawn(g);
  for (const [name, value] of Object.entries(g)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  // Node 21+ defines a getter-only `navigator` without `gpu`; defineProperty replaces it.
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: create([]), userAgent: `node ${process.version}`, language: 'en-US' },
    configurable: true,
    writable: true,
  });
}
