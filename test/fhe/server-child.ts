// The Glyph server process for tests: bundled with esbuild (WGSL as text) into a temporary
// folder under node_modules, where its bare imports (webgpu) resolve, and run as a child.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A fresh temporary folder holding server-process.mjs; returns both paths. */
export async function bundleServer(): Promise<{ dir: string; entry: string }> {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/glyph-server-'));
  const entry = join(dir, 'server-process.mjs');
  await build({
    entryPoints: [join(ROOT, 'src/experiments/glyph/server-process.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    loader: { '.wgsl': 'text' },
    logLevel: 'warning',
  });
  return { dir, entry };
}

/** Runs `node args...` to its exit: the exit code and stdout + stderr. */
export function runChild(args: string[]): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, log }));
  });
}
