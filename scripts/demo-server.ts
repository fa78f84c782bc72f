// The demos built into a temporary folder and served on 127.0.0.1 (navigator.gpu needs a secure
// context), for the browser tests and the documentation screenshots.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, from this file in scripts/ or from its bundle under node_modules/.cache (scripts/run-ts.mjs). */
function projectRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'build-demos.mjs'))) return dir;
  }
  throw new Error('demo-server: cannot find the project root (no scripts/build-demos.mjs above this file)');
}

const ROOT = projectRoot();

export interface DemoServer {
  /** Base URL ending in '/'. */
  url: string;
  stop(): void;
}

/** Runs one of the project's scripts to completion, throwing with its output when it fails. */
export function runScript(script: string, ...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Builds the demos plus `pages` (name → entry .ts) into a temporary folder and serves it. */
export async function startDemoServer(pages: Record<string, string> = {}): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-demos-'));
  runScript('scripts/build-demos.mjs', '--outdir', dir, ...Object.entries(pages).flatMap(([name, entry]) => ['--page', `${name}=${entry}`]));
  const server = spawn(process.execPath, [join(ROOT, 'scripts/serve-demos.mjs'), '--dir', dir, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`serve-demos exited (${code}) before printing its URL: ${out}`)));
  });
  return {
    url,
    stop: () => {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
