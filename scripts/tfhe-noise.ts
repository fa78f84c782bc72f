// G5 and G3 on the 128-bit TFHE set, at full size: measured against analytic noise with ≥ 10^4
// samples per quantity, and every message of the 4-bit space through ReLU, ReLU′ and a
// requantising shift, several encryptions each, in one batch. Writes a JSON record.
//   node scripts/run-ts.mjs scripts/tfhe-noise.ts [--samples 10000] [--copies 2] [--out FILE]
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { measureBlindRotationNoise, measureKeySwitchNoise } from '../src/fhe/tfhe/noise-measure.js';
import { pbsNoiseBudget } from '../src/fhe/tfhe/noise.js';
import { TFHE_PARAMETERS } from '../src/fhe/tfhe/params.js';
import { bootstrap, decryptMessages, encryptMessages, generateTfheSecretKey, TfheServerKey } from '../src/fhe/tfhe/pbs.js';
import { reluDerivativeTable, reluTable, shiftTable, testPolynomials } from '../src/fhe/tfhe/test-polynomial.js';
import { init, shutdown } from '../src/graph/runtime.js';
import { tensor } from '../src/tensor/create.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const samples = Number(option('samples', '10000'));
const copies = Number(option('copies', '2'));
const rt = await init();
const adapter = rt.gpu.adapter;
const date = new Date().toISOString();
const slug = `${adapter.vendor || 'unknown'}-${adapter.architecture || adapter.description || 'gpu'}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const out = option('out', `bench/results/${date.slice(0, 10)}-tfhe-noise-${slug}.json`);
const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(1));
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

const p = TFHE_PARAMETERS;
let t0 = performance.now();
const sk = generateTfheSecretKey(p);
const server = TfheServerKey.generate(sk);
log(`keys: ${seconds(t0)} s`);

t0 = performance.now();
const br = await measureBlindRotationNoise(sk, server, Math.ceil(samples / p.ringDegree));
log(`blind rotation: ${br.samples} samples, measured/analytic = ${(br.measured / br.analytic).toFixed(3)} (${seconds(t0)} s)`);
t0 = performance.now();
const ks = await measureKeySwitchNoise(sk, server, samples);
log(`key switching: ${ks.samples} samples, measured/analytic = ${(ks.measured / ks.analytic).toFixed(3)} (${seconds(t0)} s)`);

t0 = performance.now();
const tables = [reluTable(4), reluDerivativeTable(4), shiftTable(4, 1)];
const inputs = tables.flatMap(() => Array.from({ length: copies * 16 }, (_, i) => i % 16));
const choice = inputs.map((_, i) => Math.floor(i / (copies * 16)));
const ct = tensor(encryptMessages(sk, inputs), [inputs.length, p.lweDimension + 1], 'u32');
const result = bootstrap(server, ct, testPolynomials(p, tables), choice);
const decrypted = decryptMessages(sk, (await result.data()) as Uint32Array);
const wrong = decrypted.filter((m, i) => m !== tables[choice[i]!]![inputs[i]!]).length;
const pbsSeconds = seconds(t0);
log(`G3: ${inputs.length} bootstrappings in one batch, ${wrong} wrong (${pbsSeconds} s)`);

const budget = pbsNoiseBudget(p);
const record = {
  command: `node scripts/run-ts.mjs scripts/tfhe-noise.ts ${process.argv.slice(2).join(' ')}`.trim(),
  commit: execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim(),
  adapter,
  date,
  parameters: p,
  analytic: { ...budget, log2FailurePerBootstrap: budget.log2Failure },
  measured: {
    blindRotation: { ...br, ratio: br.measured / br.analytic },
    keySwitch: { ...ks, ratio: ks.measured / ks.analytic },
  },
  g3: { tables: ['relu', 'reluDerivative', 'shift1'], messages: 16, copies, bootstraps: inputs.length, wrong, seconds: pbsSeconds },
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
log(`wrote ${out}`);
server.dispose();
await shutdown();
if (wrong > 0 || Math.abs(br.measured / br.analytic - 1) > 0.2 || Math.abs(ks.measured / ks.analytic - 1) > 0.2) process.exit(1);
