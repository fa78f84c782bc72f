// Headless Debian Chromium for the browser tests and the documentation screenshots. As measured
// in shared/mission/BROWSER.md, WebGPU (SwiftShader) needs only --enable-unsafe-webgpu; root
// needs --no-sandbox.
import { chromium, type Browser } from 'playwright-core';
import { runScript } from './demo-server.js';

/** Installs Debian's chromium when it is missing (apt, once). */
export function ensureChromium(): void {
  runScript('scripts/ensure-chromium.mjs');
}

export interface LaunchOptions {
  webgpu?: boolean;
  /** Open DevTools on every tab: headless Chromium then serves the real DevTools frontend as a page target. */
  devtools?: boolean;
}

export function launchChromium({ webgpu = true, devtools = false }: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-quic', ...(webgpu ? ['--enable-unsafe-webgpu'] : []), ...(devtools ? ['--auto-open-devtools-for-tabs'] : [])],
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' },
  });
}
