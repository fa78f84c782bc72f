// What the browser tests share: Chromium (installed when missing), the demos built into a
// temporary folder and served on 127.0.0.1 (navigator.gpu needs a secure context), and a way
// to look at a screenshot's pixels.
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureChromium, launchChromium } from '../../scripts/chromium.js';
import { startDemoServer } from '../../scripts/demo-server.js';

export { ensureChromium, launchChromium };

/** Setup hooks may install Chromium first (apt, a few minutes once), so they get this long. */
export const INSTALL_AND_RUN_MS = 600_000;

export interface Demos {
  /** Base URL ending in '/'. */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the demos plus `pages` (name → entry .ts), serves them and starts headless Chromium. */
export async function openDemos(pages: Record<string, string> = {}): Promise<Demos> {
  ensureChromium();
  const server = await startDemoServer(pages);
  const browser = await launchChromium();
  return {
    url: server.url,
    browser,
    close: async () => {
      await browser.close();
      server.stop();
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

/**
 * Opens `url` in a Chromium started without --enable-unsafe-webgpu, waits until `settled` holds
 * in the page, and checks that the page explains what to change and keeps `button` disabled;
 * `more` runs further checks on the page before the browser closes.
 */
export async function expectNoWebgpuPage(url: string, settled: () => boolean, button: string, more?: (page: Page) => Promise<void>): Promise<void> {
  const browser = await launchChromium({ webgpu: false });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(settled, null, { timeout: 30_000 });
    const message = await page.textContent('#webgpu');
    expect(message).toMatch(/^WebGPU unavailable\. .*no adapter/);
    expect(message).toContain('--enable-unsafe-webgpu');
    expect(await page.isVisible('#webgpu')).toBe(true);
    expect(await page.isDisabled(button)).toBe(true);
    await more?.(page);
  } finally {
    await browser.close();
  }
}
