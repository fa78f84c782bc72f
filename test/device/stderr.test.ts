// Opening a device prints nothing of Dawn's limit clamping (lavapipe reports a million dynamic
// buffers, and Dawn warns on stderr while it enumerates adapters), and stderr keeps working.
// The child's stderr is a file and a pipe here, as from a shell: a Node parent's default pipes
// are sockets, which cannot be reopened to filter (src/device/dawn-stderr.ts).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const openDevice = ['scripts/run-ts.mjs', 'test/device/fixtures/open-device.ts'];

function expectQuiet(stdout: string, stderr: string) {
  expect(stdout).toMatch(/adapter: /);
  expect(stderr).not.toMatch(/artificially reduced/);
  expect(stderr).toMatch(/stderr still works after the device opened/);
}

describe('opening a device', () => {
  it('prints no Dawn limit warnings when stderr is a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-stderr-'));
    try {
      const errFile = join(dir, 'stderr.txt');
      const fd = openSync(errFile, 'w');
      const r = spawnSync(process.execPath, openDevice, { stdio: ['ignore', 'pipe', fd], encoding: 'utf8' });
      closeSync(fd);
      expect(r.status).toBe(0);
      expectQuiet(r.stdout, readFileSync(errFile, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints no Dawn limit warnings when stderr is a pipe', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" ${openDevice.join(' ')} 2>&1 >/dev/null | cat`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/artificially reduced/);
    expect(r.stdout).toMatch(/stderr still works after the device opened/);
  });
});
