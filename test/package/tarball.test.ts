// The package as a user gets it: `npm pack` (its prepack builds dist/), then `npm install` of
// the tarball into an empty project, shared by four checks run from there: a Node script trains
// with `gradwgsl`; `tsc --strict` type-checks the README's examples and a consumer of every entry
// against the shipped declarations; esbuild bundles a browser consumer with no plugins and
// headless Chromium runs it; the installed `gradwgsl` command prints the adapter.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from '../browser/harness.js';
import { ROOT, readmeExampleModule, readmeNodeExample } from './readme.js';

const CONSUMER = join(ROOT, 'test/package/consumer');
const INSTALL_MS = 600_000;

/** The environment without the outer npm's npm_* variables, so the npm run here is a user's own. */
const ENV = Object.fromEntries(Object.entries({ ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' }).filter(([k]) => !k.startsWith('npm_')));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`'${cmd} ${args.join(' ')}' in ${cwd} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The last line of a command's output, parsed as JSON. */
function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

function expectFallingLosses(losses: number[], steps: number): void {
  expect(losses).toHaveLength(steps);
  for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
}

let work: string;
let project: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gradwgsl-package-'));
  run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], ROOT);
  const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  for (const file of ['steps.mjs', 'train.mjs', 'browser.mjs', 'entries.ts']) copyFileSync(join(CONSUMER, file), join(project, file));
  writeFileSync(join(project, 'readme-step.ts'), readmeExampleModule());
  writeFileSync(join(project, 'readme-node.ts'), readmeNodeExample());
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarballs[0]!)], project);
}, INSTALL_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed tarball', () => {
  it('trains from a Node ES module: the loss is finite and falls', () => {
    const { losses } = lastJson<{ losses: number[] }>(run(process.execPath, ['train.mjs'], project));
    expectFallingLosses(losses, 10);
  });

  it("type-checks the README's examples and every entry with tsc --strict", () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    // No skipLibCheck: the shipped declarations are checked too.
    run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'readme-step.ts', 'readme-node.ts', 'entries.ts'], project);
  });

  it('bundles for the browser without shims or plugins, and trains in Chromium', async () => {
    ensureChromium();
    const web = join(project, 'web');
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['browser.mjs'],
      outfile: join(web, 'app.js'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    expect(result.warnings).toEqual([]);
    writeFileSync(join(web, 'index.html'), '<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script type="module" src="app.js"></script>\n');
    // 127.0.0.1 is a secure context, which navigator.gpu needs.
    const serve = spawn(process.execPath, [join(ROOT, 'scripts/serve-demos.mjs'), '--dir', web, '--port', '0'], { env: ENV, stdio: ['ignore', 'pipe', 'inherit'] });
    const browser = await launchChromium();
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        serve.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) resolve(m[0]);
        });
        serve.on('exit', (code) => reject(new Error(`serve-demos exited (${code}) before printing its URL: ${out}`)));
      });
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 240_000 });
      const outcome = await page.evaluate(() => (window as { __result?: unknown }).__result) as { losses: number[] } | { error: string };
      if ('error' in outcome) throw new Error(`the bundle failed in Chromium: ${outcome.error}`);
      expectFallingLosses(outcome.losses, 3);
    } finally {
      await browser.close();
      serve.kill();
    }
  }, INSTALL_MS);

  it('runs `npx gradwgsl info` from the install', () => {
    const info = lastJson<{ adapter: { runtime: string }; limits: Record<string, number> }>(run('npx', ['--no', 'gradwgsl', 'info', '--json'], project));
    expect(info.adapter.runtime).toBe('node-dawn');
    expect(info.limits.maxBufferSize).toBeGreaterThan(0);
  });
});
