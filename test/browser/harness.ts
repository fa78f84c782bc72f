// What the browser tests share: Chromium (installed when missing), the demos built into a
// temporary folder and served on 127.0.0.1 (navigator.gpu needs a secure context), and a way
// to look at a screenshot's pixels.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Headless Chromium; as measured in /work/shared/mission/BROWSER.md, WebGPU (SwiftShader) needs only --enable-unsafe-webgpu. */
export function launchChromium({ webgpu = true } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-quic', ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' },
  });
}

/** Setup hooks may install Chromium first (apt, a few minutes once), so they get this long. */
export const INSTALL_AND_RUN_MS = 600_000;

export interface Demos {
  /** Base URL ending in '/'. */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

function node(script: string, ...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Builds the demos plus `pages` (name → entry .ts), serves them and starts headless Chromium. */
export async function openDemos(pages: Record<string, string> = {}): Promise<Demos> {
  node('scripts/ensure-chromium.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-demos-'));
  node('scripts/build-demos.mjs', '--outdir', dir, ...Object.entries(pages).flatMap(([name, entry]) => ['--page', `${name}=${entry}`]));
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
  const browser = await launchChromium();
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PixelStats {
  width: number;
  height: number;
  /** Share of pixels that differ from the most common colour (the background). */
  foreground: number;
  /** Pixels within a small distance of `color`. */
  colorPixels: number;
}

/** Decodes a PNG in a blank page's canvas and counts what is drawn on it. */
export async function pixelStats(browser: Browser, png: Buffer, color: [number, number, number]): Promise<PixelStats> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async ({ base64, color }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const counts = new Map<number, number>();
      let colorPixels = 0;
      for (let i = 0; i < px.length; i += 4) {
        const key = (px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (Math.abs(px[i]! - color[0]) + Math.abs(px[i + 1]! - color[1]) + Math.abs(px[i + 2]! - color[2]) < 40) colorPixels++;
      }
      const total = px.length / 4;
      return { width: bitmap.width, height: bitmap.height, foreground: 1 - Math.max(...counts.values()) / total, colorPixels };
    }, { base64: png.toString('base64'), color });
  } finally {
    await page.close();
  }
}
