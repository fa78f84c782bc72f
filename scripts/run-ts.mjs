// Runs one of the project's TypeScript entry points under Node: esbuild bundles it (WGSL as
// text, npm packages left as imports, so they resolve from the project) into node_modules/.cache,
// Node runs the bundle, and the bundle is deleted (named per process: builds may run side by side).
//   node scripts/run-ts.mjs ENTRY.ts [ARGS...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs ENTRY.ts [ARGS...]');
  process.exit(2);
}
const outfile = join(root, 'node_modules', '.cache', 'gradwgsl', `${basename(entry, '.ts')}-${process.pid}.mjs`);
await build({
  absWorkingDir: root, entryPoints: [resolve(entry)], outfile, bundle: true, platform: 'node', format: 'esm',
  target: 'node20', packages: 'external', loader: { '.wgsl': 'text' }, sourcemap: 'inline', logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], { cwd: root, stdio: 'inherit' });
rmSync(outfile);
process.exit(r.status ?? 1);
