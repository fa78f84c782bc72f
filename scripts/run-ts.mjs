// Runs one of the project's TypeScript entry points under Node: esbuild bundles it (WGSL as
// text, npm packages left as imports) into node_modules/.cache, then Node runs the bundle.
//   node scripts/run-ts.mjs ENTRY.ts [ARGS...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs ENTRY.ts [ARGS...]');
  process.exit(2);
}
const outfile = join(root, 'node_modules', '.cache', 'gradwgsl', `${basename(entry, '.ts')}.mjs`);
await build({
  absWorkingDir: root, entryPoints: [resolve(entry)], outfile, bundle: true, platform: 'node', format: 'esm',
  target: 'node20', packages: 'external', loader: { '.wgsl': 'text' }, sourcemap: 'inline', logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
