// Entry for the FHE bench as a standalone Node program:
//   node dist/fhe-bench.mjs [--sizes 4096,8192|none] [--batch 16] [--glyph none|quick|default] [--json FILE]
// Prints the gradwgsl-vs-SEAL table (markdown, for bench/RESULTS.md) and, with --glyph, the
// Glyph demo's report on this machine's GPU.
import { writeFileSync } from 'node:fs';
import { experiment as glyphExperiment } from '../src/experiments/glyph/index.js';
import { init, shutdown } from '../src/graph/runtime.js';
import { FHE_BENCH_DEFAULTS, fheBenchTable, runFheBench } from './fhe.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const rt = await init();
const device = rt.gpu.adapter;
console.log(`device: ${JSON.stringify(device)}`);
const sizes = option('sizes', FHE_BENCH_DEFAULTS.sizes.join(',')).split(',').filter((s) => s && s !== 'none').map(Number);
const rows = sizes.length
  ? await runFheBench({ ...FHE_BENCH_DEFAULTS, sizes, batch: Number(option('batch', String(FHE_BENCH_DEFAULTS.batch))), log: (m) => console.log(m) })
  : [];
if (rows.length) console.log(`\n${fheBenchTable(rows)}\n`);
const profile = option('glyph', 'none');
let glyph: unknown = null;
if (profile !== 'none') {
  const config = profile === 'quick' ? glyphExperiment.quickConfig : glyphExperiment.defaultConfig;
  const t0 = performance.now();
  const result = await glyphExperiment.run(config, (e) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${e.label}`));
  console.log(glyphExperiment.report(result).text);
  glyph = { profile, seconds: (performance.now() - t0) / 1000, result };
}
const json = option('json', '');
if (json) writeFileSync(json, JSON.stringify({ device, rows, glyph }, null, 2));
await shutdown();
