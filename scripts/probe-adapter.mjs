// Prints one JSON line describing the WebGPU adapter Dawn finds, or why there is none.
// Run in its own process by setup.mjs so a crashing driver cannot take the setup down.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
let result;
try {
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    result = { ok: false, reason: 'requestAdapter() returned null' };
  } else {
    const info = adapter.info ?? {};
    result = {
      ok: true,
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      features: [...adapter.features].sort(),
    };
  }
} catch (e) {
  result = { ok: false, reason: String(e?.message ?? e) };
}
process.stdout.write(JSON.stringify(result) + '\n');
