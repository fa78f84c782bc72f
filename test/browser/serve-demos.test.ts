// The demo server (scripts/serve-demos.mjs) on an ephemeral loopback port: malformed requests
// and paths that leave the served folder get an error status, and the server keeps serving.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
let server: ChildProcess;
let port: number;
let exited: number | null | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'gradwgsl-serve-'));
  const site = join(root, 'site');
  mkdirSync(join(site, 'sub'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<h1>demos</h1>');
  writeFileSync(join(site, 'sub', 'page.js'), 'export {};');
  // A file beside the served folder that no request may read.
  writeFileSync(join(root, 'secret.txt'), 'not for the web');
  server = spawn(process.execPath, ['scripts/serve-demos.mjs', '--dir', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.on('exit', (code) => (exited = code));
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`serve-demos exited (${code}) before printing its URL: ${out}`)));
  });
});

afterAll(() => {
  server?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Sends `path` exactly as written (no URL normalisation on the way) and returns status and body. */
function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve-demos', () => {
  it('serves files of the folder, index.html for a folder', async () => {
    expect(await get('/')).toEqual({ status: 200, body: '<h1>demos</h1>' });
    expect(await get('/sub/page.js?v=1')).toEqual({ status: 200, body: 'export {};' });
    expect((await get('/missing.js')).status).toBe(404);
    // An empty segment is no way out (the URL parser rejects '//' as a URL: the server must not).
    expect((await get('//')).status).toBe(200);
  });

  it('answers 400 to malformed percent-encodings and targets that are not paths', async () => {
    for (const bad of ['/%', '/%E0%A4%A', '/a%zz', '*']) {
      const { status, body } = await get(bad);
      expect({ bad, status }).toEqual({ bad, status: 400 });
      expect(body).toMatch(/malformed percent-encoding|not a path/);
    }
    expect((await get('/index.html%00.js')).status).toBe(400);
  });

  it('refuses every way out of the served folder', async () => {
    for (const out of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/sub/..%2f..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const { status, body } = await get(out);
      expect({ out, status }).toEqual({ out, status: 403 });
      expect(body).not.toContain('not for the web');
    }
  });

  it('refuses methods other than GET and HEAD, and is still serving after all of the above', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
    expect(await get('/', 'HEAD')).toEqual({ status: 200, body: '' });
    expect(await get('/')).toEqual({ status: 200, body: '<h1>demos</h1>' });
    expect(exited).toBeUndefined();
  });
});
